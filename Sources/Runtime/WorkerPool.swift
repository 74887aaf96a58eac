import Foundation
import Synchronization

/// Threads that run the parts of one step together with the calling thread.
///
/// An inference has dozens of steps of tens of microseconds, so waking threads through the
/// operating system for each would cost more than it saves: workers spin briefly for the next
/// job and only then sleep, each on its own semaphore so no wake-up can go to the wrong worker.
/// Threads claim parts as they come, so when the machine is busy and a worker has not started,
/// the caller runs its part instead of waiting for it.
final class WorkerPool: Sendable {
    /// Threads including the caller's.
    let threadCount: Int
    private let shared: SharedState

    init(threads: Int) {
        threadCount = max(threads, 1)
        shared = SharedState(workers: threadCount - 1)
        for (index, worker) in shared.workers.enumerated() {
            // The thread keeps the shared state, not the pool, so the pool can go away first.
            let thread = Thread { [shared] in shared.work(worker) }
            thread.name = "tinyssd-worker-\(index + 1)"
            thread.start()
        }
    }

    deinit {
        shared.stop()
    }

    /// Calls `body(part)` once for every part in `0..<threadCount`, each on whichever thread
    /// claims it first, and returns when all have finished.
    func run(_ body: @escaping @Sendable (Int) -> Void) {
        guard threadCount > 1 else { return body(0) }
        shared.run(body)
    }

    /// The `part`-th of `count` near-equal slices of `0..<total`.
    static func slice(_ total: Int, part: Int, of count: Int) -> Range<Int> {
        (total * part / count)..<(total * (part + 1) / count)
    }
}

/// What the caller and the worker threads share.
private final class SharedState: @unchecked Sendable {
    final class Worker: Sendable {
        let napping = Atomic<Bool>(false)
        let wakeUp = DispatchSemaphore(value: 0)
    }

    let workers: [Worker]
    private let generation = Atomic<Int>(0)
    /// The next part to claim, and the parts of the job not finished yet.
    private let nextPart = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    // Written by the caller before `generation` is bumped, read by workers after they see the bump.
    private var job: (@Sendable (Int) -> Void)?

    private static let spinsBeforeNapping = 20_000

    init(workers count: Int) {
        workers = (0..<count).map { _ in Worker() }
    }

    func run(_ body: @escaping @Sendable (Int) -> Void) {
        // The job and its count are in place before any part can be claimed.
        job = body
        pending.store(workers.count + 1, ordering: .sequentiallyConsistent)
        nextPart.store(0, ordering: .sequentiallyConsistent)
        post()
        runParts(body)
        while pending.load(ordering: .sequentiallyConsistent) > 0 {}
    }

    /// Runs parts of the current job until none is left to claim. A part claimed is unfinished,
    /// so the job (and `job`) cannot change before it has run.
    private func runParts(_ body: (Int) -> Void) {
        while true {
            let part = nextPart.wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue
            guard part <= workers.count else { return }
            body(part)
            pending.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        post()
        for _ in workers { finished.wait() }
    }

    /// Announces a new generation and wakes every worker that is napping.
    func post() {
        generation.add(1, ordering: .sequentiallyConsistent)
        for worker in workers where worker.napping.exchange(false, ordering: .sequentiallyConsistent) {
            worker.wakeUp.signal()
        }
    }

    func work(_ worker: Worker) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .sequentiallyConsistent) == seen {
                spins += 1
                guard spins > Self.spinsBeforeNapping else { continue }
                spins = 0
                worker.napping.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) == seen {
                    worker.wakeUp.wait()
                } else if !worker.napping.exchange(false, ordering: .sequentiallyConsistent) {
                    // The poster saw the nap and signals: take that signal now.
                    worker.wakeUp.wait()
                }
            }
            seen = generation.load(ordering: .sequentiallyConsistent)
            if stopping.load(ordering: .sequentiallyConsistent) {
                finished.signal()
                return
            }
            runParts { self.job?($0) }
        }
    }
}
