import Foundation
import Synchronization

/// The threads that run one training step together: the caller is worker 0 and each other
/// worker has its own thread. Every worker runs the whole network on its slice of the batch,
/// so they only meet where batch normalization needs statistics of the whole batch.
///
/// Waiting spins briefly and then yields or sleeps, because the machine is shared and a
/// spinning thread must not keep a descheduled partner from running.
final class WorkerTeam: @unchecked Sendable {
    let count: Int
    private let state: TeamState

    /// `reductionCapacity`: the most values one `sumAcrossWorkers` call adds up.
    init(workers: Int, reductionCapacity: Int) {
        count = max(workers, 1)
        state = TeamState(workers: count, reductionCapacity: reductionCapacity)
        for worker in 1..<count {
            let thread = Thread { [state] in state.serve(worker: worker) }
            thread.name = "tinyssd-training-\(worker)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    deinit { state.stop() }

    /// Calls `job.run(worker:)` on every worker, the caller doing worker 0, and returns when all
    /// are done. (An object rather than a closure: a closure would be allocated per step.)
    func run(_ job: some TeamJob) {
        guard count > 1 else { return job.run(worker: 0) }
        state.job = job
        state.start()
        job.run(worker: 0)
        state.waitForWorkers()
        state.job = nil
    }

    /// Returns when every worker has called it (once per call site and step).
    func barrier(worker: Int) { state.barrier(worker: worker) }

    /// Replaces each worker's `values[0..<count]` by the sum over all workers, added in worker
    /// order so every worker gets the same bits.
    func sumAcrossWorkers(_ values: UnsafeMutablePointer<Double>, count valueCount: Int, worker: Int) {
        guard count > 1 else { return }
        let all = state.exchange(values, count: valueCount, worker: worker)
        values.update(from: all.base, count: valueCount)
        for other in 1..<count {
            let slot = all.base + other * all.stride
            for index in 0..<valueCount { values[index] += slot[index] }
        }
    }

    /// Every worker's `values[0..<count]`: worker w's at `base + w * stride`, valid until the
    /// next exchange or sum.
    func exchange(_ values: UnsafeMutablePointer<Double>, count valueCount: Int, worker: Int)
        -> (base: UnsafePointer<Double>, stride: Int) {
        guard count > 1 else { return (UnsafePointer(values), 0) }
        return state.exchange(values, count: valueCount, worker: worker)
    }

    /// The `part`-th of `parts` near-equal slices of `0..<total`.
    static func slice(_ total: Int, part: Int, of parts: Int) -> Range<Int> {
        (total * part / parts)..<(total * (part + 1) / parts)
    }
}

/// What a team runs: each worker calls `run(worker:)` with its index.
protocol TeamJob: AnyObject {
    func run(worker: Int)
}

private final class TeamState: @unchecked Sendable {
    let workers: Int
    // Set by the caller before `generation` moves; read by workers after they see it move.
    var job: TeamJob?
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let sleepers: [Sleeper]
    private let stopped = DispatchSemaphore(value: 0)

    private let barrierArrivals = Atomic<Int>(0)
    private let barrierGeneration = Atomic<Int>(0)

    private let reductionCapacity: Int
    private let reductionSlots: DoubleBuffer
    private let reductionRounds: UnsafeMutablePointer<Int>

    /// About ten microseconds: longer than a balanced barrier takes, shorter than a time slice.
    /// Sleeping beyond it keeps the scheduler from charging spin time against our threads.
    private static let spinsBeforeSleeping = 5_000

    /// A worker's way to sleep, with its own semaphore so no wake-up goes astray.
    final class Sleeper: Sendable {
        let napping = Atomic<Bool>(false)
        let wakeUp = DispatchSemaphore(value: 0)
    }

    init(workers: Int, reductionCapacity: Int) {
        self.workers = workers
        sleepers = (0..<workers).map { _ in Sleeper() }
        self.reductionCapacity = max(reductionCapacity, 1)
        // Two rounds of slots: a worker can be at most one reduction ahead of another.
        reductionSlots = DoubleBuffer(count: 2 * workers * self.reductionCapacity)
        reductionRounds = .allocate(capacity: workers)
        reductionRounds.initialize(repeating: 0, count: workers)
    }

    deinit { reductionRounds.deallocate() }

    /// Returns once `condition()` holds: spins a little, then sleeps until a `wakeSleepers` call.
    /// Wakers change the state first and wake second, so a sleeper never misses its change.
    private func wait(worker: Int, until condition: () -> Bool) {
        var spins = 0
        while !condition() {
            spins += 1
            guard spins > Self.spinsBeforeSleeping else { continue }
            spins = 0
            let sleeper = sleepers[worker]
            sleeper.napping.store(true, ordering: .sequentiallyConsistent)
            if !condition() {
                sleeper.wakeUp.wait()
            } else if !sleeper.napping.exchange(false, ordering: .sequentiallyConsistent) {
                // A waker saw the nap and signals: take that signal now.
                sleeper.wakeUp.wait()
            }
        }
    }

    private func wakeSleepers() {
        for sleeper in sleepers where sleeper.napping.exchange(false, ordering: .sequentiallyConsistent) {
            sleeper.wakeUp.signal()
        }
    }

    func start() {
        pending.store(workers - 1, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        wakeSleepers()
    }

    func waitForWorkers() {
        wait(worker: 0) { pending.load(ordering: .sequentiallyConsistent) == 0 }
    }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        start()
        for _ in 1..<workers { stopped.wait() }
    }

    func serve(worker: Int) {
        var seen = 0
        while true {
            wait(worker: worker) { generation.load(ordering: .sequentiallyConsistent) != seen }
            seen = generation.load(ordering: .sequentiallyConsistent)
            if stopping.load(ordering: .sequentiallyConsistent) {
                stopped.signal()
                return
            }
            job?.run(worker: worker)
            if pending.subtract(1, ordering: .sequentiallyConsistent).newValue == 0 { wakeSleepers() }
        }
    }

    func barrier(worker: Int) {
        let round = barrierGeneration.load(ordering: .sequentiallyConsistent)
        if barrierArrivals.add(1, ordering: .sequentiallyConsistent).newValue == workers {
            barrierArrivals.store(0, ordering: .sequentiallyConsistent)
            barrierGeneration.add(1, ordering: .sequentiallyConsistent)
            wakeSleepers()
            return
        }
        wait(worker: worker) { barrierGeneration.load(ordering: .sequentiallyConsistent) != round }
    }

    func exchange(_ values: UnsafeMutablePointer<Double>, count: Int, worker: Int) -> (base: UnsafePointer<Double>, stride: Int) {
        precondition(count <= reductionCapacity, "exchange larger than planned")
        let round = reductionRounds[worker] & 1
        reductionRounds[worker] += 1
        let slots = reductionSlots.base + round * workers * reductionCapacity
        (slots + worker * reductionCapacity).update(from: values, count: count)
        barrier(worker: worker)
        return (UnsafePointer(slots), reductionCapacity)
    }
}
