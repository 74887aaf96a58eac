import Detection
import Dispatch
import Evaluation
import ImageIO

/// Batches for training or validation from a YOLO Darknet dataset folder: images resized to the
/// network input (and by default decoded once and kept in memory), a seeded shuffle per epoch, the
/// zoo's augmentation, pixels rescaled. Every batch depends only on (seed, epoch, batch index), so
/// training can resume at any epoch and get the batches it would have had.
public final class TrainingDataLoader: Sendable {
    /// One labelled image: its file and its objects (normalised corner boxes, clipped to the image).
    public struct Sample: Sendable {
        public var imagePath: String
        public var objects: [TrainingObject]
    }

    public let options: TrainingDataLoaderOptions
    public let classCount: Int
    public let samples: [Sample]
    /// The dataset reader's warnings (images without a label file count as having no objects).
    public let warnings: [DatasetWarning]
    private let cache: [RGBImage]?

    /// A draw that moves every box out of the image is drawn again this many times, then the image
    /// is used without augmentation.
    static let augmentationAttempts = 10

    /// Lists and checks the dataset, and (with `cacheImages`) decodes and resizes every image on all
    /// cores; `progress` is called on the calling thread with the number of images done since its last call.
    public convenience init(directory: String, classCount: Int, options: TrainingDataLoaderOptions,
                            progress: (Int) -> Void = { _ in }) throws(DataLoaderError) {
        let dataset: YOLODataset
        do {
            dataset = try YOLODataset(directory: directory)
        } catch {
            throw .dataset(error)
        }
        try self.init(dataset: dataset, classCount: classCount, options: options, progress: progress)
    }

    public init(dataset: YOLODataset, classCount: Int, options: TrainingDataLoaderOptions,
                progress: (Int) -> Void = { _ in }) throws(DataLoaderError) {
        if let problem = options.problem { throw .invalidOptions(problem) }
        guard classCount >= 1 else { throw .invalidOptions("the dataset needs at least one class") }
        guard !dataset.images.isEmpty else { throw .noImages(directory: dataset.directory) }
        var samples: [Sample] = []
        for image in dataset.images {
            var objects: [TrainingObject] = []
            for object in image.objects {
                guard object.classIndex < classCount else {
                    throw .classOutOfRange(labelPath: image.labelPath ?? image.imagePath, classIndex: object.classIndex, classCount: classCount)
                }
                let x0 = max(0, object.centerX - object.width / 2), x1 = min(1, object.centerX + object.width / 2)
                let y0 = max(0, object.centerY - object.height / 2), y1 = min(1, object.centerY + object.height / 2)
                // A box with no area inside the image cannot be matched to anchors: it is left out.
                guard x1 > x0, y1 > y0 else { continue }
                objects.append(TrainingObject(classIndex: object.classIndex,
                                              box: BoundingBox(x0: Float(x0), y0: Float(y0), x1: Float(x1), y1: Float(y1))))
            }
            samples.append(Sample(imagePath: image.imagePath, objects: objects))
        }
        self.options = options
        self.classCount = classCount
        self.samples = samples
        warnings = dataset.warnings
        cache = options.cacheImages ? try Self.decodeAll(samples, options: options, progress: progress) : nil
    }

    private init(options: TrainingDataLoaderOptions, classCount: Int, samples: [Sample], warnings: [DatasetWarning], cache: [RGBImage]?) {
        self.options = options
        self.classCount = classCount
        self.samples = samples
        self.warnings = warnings
        self.cache = cache
    }

    /// The same samples with other options, keeping the decoded images when the input size and
    /// caching are unchanged (e.g. to switch augmentation off).
    public func replacingOptions(_ options: TrainingDataLoaderOptions, progress: (Int) -> Void = { _ in }) throws(DataLoaderError) -> TrainingDataLoader {
        if let problem = options.problem { throw .invalidOptions(problem) }
        let sameImages = options.inputWidth == self.options.inputWidth && options.inputHeight == self.options.inputHeight
        var cache: [RGBImage]? = nil
        if options.cacheImages {
            cache = sameImages ? self.cache : nil
            if cache == nil { cache = try Self.decodeAll(samples, options: options, progress: progress) }
        }
        return TrainingDataLoader(options: options, classCount: classCount, samples: samples, warnings: warnings, cache: cache)
    }

    public var imageCount: Int { samples.count }

    public var batchesPerEpoch: Int {
        options.dropLastPartialBatch ? samples.count / options.batchSize
            : (samples.count + options.batchSize - 1) / options.batchSize
    }

    /// The order in which epoch `epoch` visits the samples.
    public func order(epoch: Int) -> [Int] {
        guard options.shuffle else { return Array(samples.indices) }
        var random = SeededRandom(seed: options.seed, path: 0x5348_5546, UInt64(bitPattern: Int64(epoch)))
        return random.permutation(samples.count)
    }

    /// Batches of epoch `index` from batch `firstBatch` on, made ahead on a background thread
    /// (see `TrainingDataLoaderOptions.prefetchBatches`).
    public func makeEpoch(index: Int, startingAt firstBatch: Int = 0) -> TrainingEpoch {
        TrainingEpoch(loader: self, index: index, firstBatch: firstBatch)
    }

    /// Batch `index` (0..<batchesPerEpoch) of epoch `epoch`, made on the calling thread.
    public func makeBatch(epoch: Int, index: Int) throws(DataLoaderError) -> TrainingBatch {
        guard (0..<batchesPerEpoch).contains(index) else { throw .batchOutOfRange(index: index, batchCount: batchesPerEpoch) }
        return try makeBatch(epoch: epoch, index: index, order: order(epoch: epoch), augmenter: augmenter())
    }

    func augmenter() -> ImageAugmenter? {
        guard let settings = options.augmentation, settings.augment else { return nil }
        return ImageAugmenter(settings: settings)
    }

    func makeBatch(epoch: Int, index: Int, order: [Int], augmenter: ImageAugmenter?) throws(DataLoaderError) -> TrainingBatch {
        let first = index * options.batchSize
        let members = Array(order[min(first, order.count)..<min(first + options.batchSize, order.count)])
        let width = options.inputWidth, height = options.inputHeight, imageSize = width * height * 3
        // Not zeroed first: every image's slot is written whole below.
        var pixels = [Float](unsafeUninitializedCapacity: members.count * imageSize) { _, count in count = members.count * imageSize }
        var objects: [[TrainingObject]] = []
        for (slot, sampleIndex) in members.enumerated() {
            let image = try self.image(sampleIndex)
            let sample = samples[sampleIndex]
            let placed: [TrainingObject] = pixels.withUnsafeMutableBufferPointer { all in
                let out = UnsafeMutableBufferPointer(rebasing: all[slot * imageSize..<(slot + 1) * imageSize])
                let moved = augmenter.flatMap { augmenter in
                    (0..<Self.augmentationAttempts).lazy.compactMap { attempt in
                        var random = SeededRandom(seed: self.options.seed, path: 0x4155_4753, UInt64(bitPattern: Int64(epoch)),
                                                  UInt64(sampleIndex), UInt64(attempt))
                        return augmenter.augment(image, objects: sample.objects, random: &random, into: out)
                    }.first
                }
                if moved == nil { copyPixels(of: image, into: out) }
                // Clamped because float blur and warp weights may overshoot 255 by an ulp.
                let scale = options.rescaling.scale, offset = options.rescaling.offset
                for i in out.indices { out[i] = min(max(out[i], 0), 255) / scale + offset }
                return moved ?? sample.objects
            }
            objects.append(placed)
        }
        return TrainingBatch(imageCount: members.count, height: height, width: width, pixels: pixels, objects: objects)
    }

    /// The sample's image at the input size, from the cache or decoded now.
    func image(_ index: Int) throws(DataLoaderError) -> RGBImage {
        if let cache { return cache[index] }
        return try Self.decode(samples[index].imagePath, options: options)
    }

    private static func decode(_ path: String, options: TrainingDataLoaderOptions) throws(DataLoaderError) -> RGBImage {
        do {
            return try readImage(path: path).resized(width: options.inputWidth, height: options.inputHeight)
        } catch {
            throw .unreadableImage(path: path, reason: error.description)
        }
    }

    /// Every sample's image, decoded in parallel blocks; the first failure in dataset order is thrown.
    private static func decodeAll(_ samples: [Sample], options: TrainingDataLoaderOptions,
                                  progress: (Int) -> Void) throws(DataLoaderError) -> [RGBImage] {
        var images: [RGBImage] = []
        images.reserveCapacity(samples.count)
        let blockSize = 64
        for start in stride(from: 0, to: samples.count, by: blockSize) {
            let count = min(blockSize, samples.count - start)
            // Each worker initialises its own element; concurrentPerform returns when all have.
            let block = [Result<RGBImage, DataLoaderError>](unsafeUninitializedCapacity: count) { buffer, initialized in
                nonisolated(unsafe) let elements = buffer.baseAddress!
                DispatchQueue.concurrentPerform(iterations: count) { offset in
                    let result = Result { () throws(DataLoaderError) in try decode(samples[start + offset].imagePath, options: options) }
                    (elements + offset).initialize(to: result)
                }
                initialized = count
            }
            for result in block { images.append(try result.get()) }
            progress(count)
        }
        return images
    }
}
