import Foundation

/// One pass over a `TrainingDataLoader`'s samples, pulled batch by batch:
/// `while let batch = try epoch.nextBatch() { ... }`. With prefetching, a background thread makes
/// the next batches (decoding if not cached, augmenting, rescaling) while the caller trains; it
/// stops when the epoch ends, fails, or is released.
public final class TrainingEpoch {
    public let index: Int
    /// Batches this epoch yields (from its first batch on).
    public let batchCount: Int
    private let loader: TrainingDataLoader
    private let order: [Int]
    private let firstBatch: Int
    private var nextIndex: Int
    private let queue: PrefetchQueue?
    private var augmenter: ImageAugmenter?
    private var failure: DataLoaderError?

    init(loader: TrainingDataLoader, index: Int, firstBatch: Int) {
        self.loader = loader
        self.index = index
        self.firstBatch = min(max(firstBatch, 0), loader.batchesPerEpoch)
        batchCount = loader.batchesPerEpoch - self.firstBatch
        nextIndex = self.firstBatch
        order = loader.order(epoch: index)
        if loader.options.prefetchBatches > 0 && batchCount > 0 {
            let queue = PrefetchQueue(capacity: loader.options.prefetchBatches)
            let (order, first, end, epoch) = (order, self.firstBatch, loader.batchesPerEpoch, index)
            let thread = Thread {
                let augmenter = loader.augmenter()
                for batch in first..<end {
                    let result = Result { () throws(DataLoaderError) in
                        try loader.makeBatch(epoch: epoch, index: batch, order: order, augmenter: augmenter)
                    }
                    guard queue.push(result), case .success = result else { return }
                }
            }
            thread.name = "tinyssd-data-loader"
            thread.start()
            self.queue = queue
        } else {
            queue = nil
            augmenter = loader.augmenter()
        }
    }

    deinit { queue?.cancel() }

    /// The next batch, nil after the last. An unreadable image (possible only without the cache)
    /// ends the epoch: its error is thrown by this call and every later one.
    public func nextBatch() throws(DataLoaderError) -> TrainingBatch? {
        if let failure { throw failure }
        guard nextIndex < loader.batchesPerEpoch else { return nil }
        let result = queue?.pop() ?? Result { () throws(DataLoaderError) in
            try loader.makeBatch(epoch: index, index: nextIndex, order: order, augmenter: augmenter)
        }
        nextIndex += 1
        switch result {
        case .success(let batch):
            return batch
        case .failure(let error):
            failure = error
            throw error
        }
    }
}

/// A bounded hand-over of batches from the loading thread to the training thread.
private final class PrefetchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var items: [Result<TrainingBatch, DataLoaderError>] = []
    private var cancelled = false

    init(capacity: Int) { self.capacity = capacity }

    /// Waits for room; false when the consumer has gone.
    func push(_ item: Result<TrainingBatch, DataLoaderError>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Waits for the next item.
    func pop() -> Result<TrainingBatch, DataLoaderError> {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
