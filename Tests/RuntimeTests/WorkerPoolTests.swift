import Synchronization
import Testing
@testable import Runtime

/// The pool runs every part of every job exactly once, including after its workers nap.
@Suite struct WorkerPoolTests {
    @Test(arguments: [1, 2, 3, 5])
    func everyPartRunsOncePerJob(threads: Int) async throws {
        let pool = WorkerPool(threads: threads)
        let calls = Atomic<Int>(0)
        let partSum = Atomic<Int>(0)
        for job in 0..<3000 {
            pool.run { part in
                calls.add(1, ordering: .relaxed)
                partSum.add(part, ordering: .relaxed)
            }
            // Let the workers give up spinning and nap now and then.
            if job % 1000 == 999 { try await Task.sleep(nanoseconds: 3_000_000) }
        }
        #expect(calls.load(ordering: .relaxed) == 3000 * threads)
        #expect(partSum.load(ordering: .relaxed) == 3000 * threads * (threads - 1) / 2)
    }

    @Test func slicesCoverTheRangeWithoutGaps() {
        for total in [0, 1, 7, 96] {
            for count in 1...4 {
                let slices = (0..<count).map { WorkerPool.slice(total, part: $0, of: count) }
                #expect(slices.first?.lowerBound == 0 && slices.last?.upperBound == total)
                #expect(zip(slices, slices.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            }
        }
    }
}
