/// The model zoo's `pre_processing.rescaling`: a pixel value v (0...255) enters the network as
/// v / scale + offset.
public struct PixelRescaling: Equatable, Codable, Sendable {
    public var scale: Float
    public var offset: Float

    public init(scale: Float = 127.5, offset: Float = -1) {
        self.scale = scale
        self.offset = offset
    }
}

/// How `TrainingDataLoader` makes batches.
public struct TrainingDataLoaderOptions: Equatable, Sendable {
    /// The network input; images are resized to it (OpenCV-exact bilinear) before augmentation.
    public var inputWidth: Int
    public var inputHeight: Int
    public var batchSize: Int
    /// A new seeded order every epoch; otherwise dataset (file name) order.
    public var shuffle: Bool
    /// Leave out the last batch when it would hold fewer than `batchSize` images.
    public var dropLastPartialBatch: Bool
    public var rescaling: PixelRescaling
    /// nil (or `augment: false`) for none.
    public var augmentation: AugmentationSettings?
    /// Drives the shuffles and the augmentation.
    public var seed: UInt64
    /// Decode every image once, at load time, and keep it resized in memory (width x height x 3
    /// bytes each); otherwise every batch decodes its images again.
    public var cacheImages: Bool
    /// Batches made ahead on a background thread; 0 makes each batch when asked for.
    public var prefetchBatches: Int

    public init(inputWidth: Int = 192, inputHeight: Int = 192, batchSize: Int = 64, shuffle: Bool = true,
                dropLastPartialBatch: Bool = true, rescaling: PixelRescaling = PixelRescaling(),
                augmentation: AugmentationSettings? = AugmentationSettings(), seed: UInt64 = 1,
                cacheImages: Bool = true, prefetchBatches: Int = 2) {
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLastPartialBatch = dropLastPartialBatch
        self.rescaling = rescaling
        self.augmentation = augmentation
        self.seed = seed
        self.cacheImages = cacheImages
        self.prefetchBatches = prefetchBatches
    }

    /// For validation: dataset order, every image once, no augmentation.
    public static func validation(inputWidth: Int = 192, inputHeight: Int = 192, batchSize: Int = 64,
                                  rescaling: PixelRescaling = PixelRescaling()) -> TrainingDataLoaderOptions {
        TrainingDataLoaderOptions(inputWidth: inputWidth, inputHeight: inputHeight, batchSize: batchSize, shuffle: false,
                                  dropLastPartialBatch: false, rescaling: rescaling, augmentation: nil)
    }

    /// Why these options cannot work, or nil.
    var problem: String? {
        if inputWidth < 1 || inputHeight < 1 || inputWidth > 4096 || inputHeight > 4096 {
            return "the input size must be 1...4096 pixels a side, not \(inputWidth) x \(inputHeight)"
        }
        if batchSize < 1 { return "the batch size must be at least 1, not \(batchSize)" }
        if rescaling.scale == 0 || !rescaling.scale.isFinite || !rescaling.offset.isFinite {
            return "the rescaling scale must be a non-zero number and the offset a number"
        }
        if prefetchBatches < 0 { return "the number of prefetched batches cannot be negative" }
        return nil
    }
}
