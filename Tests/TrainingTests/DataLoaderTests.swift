import Detection
import Evaluation
import Foundation
import ImageIO
import Testing
@testable import Training

/// The loader turns a YOLO folder into batches: resized, rescaled pixels; normalised boxes; seeded
/// shuffles; deterministic resumption; prefetching that changes nothing; errors naming the file.
@Suite struct DataLoaderTests {
    /// A synthetic dataset of `count` 64 x 64 images in folder/train; returns that folder.
    private func dataset(_ count: Int, in folder: DataTestFolder) throws -> String {
        var writer = SyntheticDatasetWriter()
        writer.options.imageSize = 64
        writer.options.classes = [.ellipse, .rectangle, .star]
        writer.format = .png
        _ = try writer.write(to: folder.path, trainingCount: count, validationCount: 0)
        return folder.path("train")
    }

    private func options(batchSize: Int = 4, augmented: Bool = false) -> TrainingDataLoaderOptions {
        TrainingDataLoaderOptions(inputWidth: 48, inputHeight: 40, batchSize: batchSize,
                                  augmentation: augmented ? AugmentationSettings() : nil, seed: 9, prefetchBatches: 0)
    }

    @Test func pixelsAreResizedAndRescaledAndBoxesNormalised() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        let directory = try dataset(5, in: folder)
        var validation = TrainingDataLoaderOptions.validation(inputWidth: 48, inputHeight: 40, batchSize: 3,
                                                              rescaling: PixelRescaling(scale: 255, offset: 0.5))
        validation.prefetchBatches = 0
        let loader = try TrainingDataLoader(directory: directory, classCount: 3, options: validation)
        #expect(loader.batchesPerEpoch == 2)
        let batch = try loader.makeBatch(epoch: 0, index: 1)
        #expect(batch.imageCount == 2 && batch.width == 48 && batch.height == 40)
        // Dataset order, so batch 1 starts with image 3.
        let expected = try readImage(path: folder.path("train/000003.png")).resized(width: 48, height: 40)
        let firstImage = Array(batch.pixels[0..<48 * 40 * 3])
        let mismatches = zip(firstImage, expected.pixels).filter { $0 != Float($1) / 255 + 0.5 }.count
        #expect(firstImage.count == expected.pixels.count && mismatches == 0)
        let labels = try YOLODataset(directory: directory).images[3].objects
        #expect(batch.objects[0].count == labels.count)
        for (object, label) in zip(batch.objects[0], labels) {
            #expect(object.classIndex == label.classIndex)
            #expect(abs(Double(object.box.x0) - (label.centerX - label.width / 2)) < 1e-6)
            #expect(abs(Double(object.box.y1) - (label.centerY + label.height / 2)) < 1e-6)
        }
    }

    @Test func lastPartialBatchIsDroppedOrKept() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        let directory = try dataset(10, in: folder)
        var options = options(batchSize: 4)
        let dropping = try TrainingDataLoader(directory: directory, classCount: 3, options: options)
        #expect(dropping.batchesPerEpoch == 2)
        options.dropLastPartialBatch = false
        let keeping = try TrainingDataLoader(directory: directory, classCount: 3, options: options)
        #expect(keeping.batchesPerEpoch == 3)
        let epoch = keeping.makeEpoch(index: 0)
        var sizes: [Int] = []
        while let batch = try epoch.nextBatch() { sizes.append(batch.imageCount) }
        #expect(sizes == [4, 4, 2])
        #expect(throws: DataLoaderError.batchOutOfRange(index: 2, batchCount: 2)) { try dropping.makeBatch(epoch: 0, index: 2) }
    }

    @Test func shufflesAreSeededPermutationsPerEpoch() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        let loader = try TrainingDataLoader(directory: try dataset(12, in: folder), classCount: 3, options: options())
        let orders = (0..<4).map { loader.order(epoch: $0) }
        for order in orders { #expect(order.sorted() == Array(0..<12)) }
        #expect(Set(orders).count == 4)
        #expect(loader.order(epoch: 2) == orders[2])
        var unshuffled = options()
        unshuffled.shuffle = false
        #expect(try loader.replacingOptions(unshuffled).order(epoch: 3) == Array(0..<12))
    }

    /// Resuming at (epoch, batch) gives exactly the batches an uninterrupted run would have had, and
    /// the prefetching thread gives exactly the batches made on the spot.
    @Test func resumingAndPrefetchingGiveTheSameBatches() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        let direct = try TrainingDataLoader(directory: try dataset(12, in: folder), classCount: 3, options: options(augmented: true))
        var prefetching = options(augmented: true)
        prefetching.prefetchBatches = 2
        let ahead = try direct.replacingOptions(prefetching)
        let whole = ahead.makeEpoch(index: 3)
        var wholeBatches: [TrainingBatch] = []
        while let batch = try whole.nextBatch() { wholeBatches.append(batch) }
        #expect(wholeBatches.count == 3)
        let resumed = ahead.makeEpoch(index: 3, startingAt: 1)
        #expect(resumed.batchCount == 2)
        for index in 1..<3 {
            let batch = try #require(try resumed.nextBatch())
            let again = try direct.makeBatch(epoch: 3, index: index)
            #expect(batch.pixels == wholeBatches[index].pixels && batch.objects == wholeBatches[index].objects)
            #expect(batch.pixels == again.pixels && batch.objects == again.objects)
        }
        #expect(try resumed.nextBatch() == nil)
        #expect(try direct.makeBatch(epoch: 4, index: 0).pixels != wholeBatches[0].pixels)
    }

    @Test func abandonedEpochsDoNotBlock() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        var options = options(batchSize: 1)
        options.prefetchBatches = 1
        let loader = try TrainingDataLoader(directory: try dataset(6, in: folder), classCount: 3, options: options)
        for index in 0..<20 {
            let epoch = loader.makeEpoch(index: index)
            _ = try epoch.nextBatch()
        }
    }

    @Test func augmentedBatchesKeepObjectsInsideTheImage() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        var options = options(batchSize: 8, augmented: true)
        options.rescaling = PixelRescaling()
        let loader = try TrainingDataLoader(directory: try dataset(8, in: folder), classCount: 3, options: options)
        for epoch in 0..<3 {
            let batch = try loader.makeBatch(epoch: epoch, index: 0)
            #expect(batch.pixels.allSatisfy { (-1...1).contains($0) })
            for objects in batch.objects {
                #expect(!objects.isEmpty)
                for object in objects {
                    #expect(object.box.x0 >= 0 && object.box.y0 >= 0 && object.box.x1 <= 1 && object.box.y1 <= 1)
                    #expect(object.box.x1 > object.box.x0 && object.box.y1 > object.box.y0)
                }
            }
        }
    }

    @Test(arguments: [true, false])
    func unreadableImageIsNamed(cached: Bool) throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        let directory = try dataset(3, in: folder)
        let broken = folder.path("train/000001.png")
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: broken))
        var options = options(batchSize: 3)
        options.cacheImages = cached
        options.prefetchBatches = 1
        options.shuffle = false
        let isNamed: (any Error) -> Bool = { error in "\(error)".contains(broken) }
        if cached {
            #expect(performing: { try TrainingDataLoader(directory: directory, classCount: 3, options: options) }, throws: isNamed)
        } else {
            let epoch = try TrainingDataLoader(directory: directory, classCount: 3, options: options).makeEpoch(index: 0)
            #expect(performing: { try epoch.nextBatch() }, throws: isNamed)
            #expect(performing: { try epoch.nextBatch() }, throws: isNamed)
        }
    }

    @Test func classBeyondTheClassCountIsNamed() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        let directory = try dataset(2, in: folder)
        try folder.write("train/000000.txt", Array("7 0.5 0.5 0.2 0.2\n".utf8))
        #expect(throws: DataLoaderError.classOutOfRange(labelPath: folder.path("train/000000.txt"), classIndex: 7, classCount: 3)) {
            try TrainingDataLoader(directory: directory, classCount: 3, options: options())
        }
    }

    @Test func emptyFolderAndBadOptionsAreRefused() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        #expect(throws: DataLoaderError.noImages(directory: folder.path)) {
            try TrainingDataLoader(directory: folder.path, classCount: 1, options: options())
        }
        var bad = options()
        bad.batchSize = 0
        #expect(throws: DataLoaderError.self) {
            try TrainingDataLoader(directory: folder.path, classCount: 1, options: bad)
        }
    }
}
