import Detection
import ImageIO
import Testing
@testable import Training

/// Augmentation moves boxes exactly as it moves pixels, flips are exact, neutral settings change
/// nothing, and the fast blur agrees with the plain one.
@Suite struct AugmentationTests {
    /// A noisy picture, so that any moved or changed pixel shows.
    private func picture(width: Int = 48, height: Int = 40, seed: UInt64 = 1) throws -> RGBImage {
        var random = SeededRandom(seed: seed)
        return try RGBImage(width: width, height: height, pixels: (0..<width * height * 3).map { _ in UInt8(random.below(256)) })
    }

    private let someObjects = [TrainingObject(classIndex: 1, box: BoundingBox(x0: 0.1, y0: 0.25, x1: 0.5, y1: 0.75)),
                               TrainingObject(classIndex: 0, box: BoundingBox(x0: 0.6, y0: 0.1, x1: 0.9, y1: 0.3))]

    /// Only the geometric steps, always drawn.
    private func geometryOnly() -> AugmentationSettings {
        var settings = AugmentationSettings.neutral
        settings.stepProbability = 1
        settings.rotation = 30
        settings.shearing = 15
        settings.translation = 0.1
        settings.crop = 0...0.25
        settings.scale = 0.5...1.1
        settings.horizontalFlip = 0.5
        settings.verticalFlip = 0.5
        return settings
    }

    @Test(arguments: [AugmentationSettings.neutral, AugmentationSettings(augment: false)])
    func neutralSettingsChangeNothing(settings: AugmentationSettings) throws {
        let image = try picture()
        let augmenter = ImageAugmenter(settings: settings)
        for seed in 0..<5 as Range<UInt64> {
            var random = SeededRandom(seed: seed)
            let result = try #require(augmenter.augmentedImage(image, objects: someObjects, random: &random))
            #expect(result.image == image)
            #expect(result.objects == someObjects)
        }
    }

    @Test func horizontalFlipIsExact() throws {
        var settings = AugmentationSettings.neutral
        settings.stepProbability = 1
        settings.horizontalFlip = 1
        let image = try picture()
        var random = SeededRandom(seed: 3)
        let result = try #require(ImageAugmenter(settings: settings).augmentedImage(image, objects: someObjects, random: &random))
        for y in 0..<image.height {
            for x in 0..<image.width { #expect(result.image[x, y] == image[image.width - 1 - x, y]) }
        }
        #expect(result.objects.map(\.classIndex) == [1, 0])
        #expect(close(result.objects.map(\.box), [BoundingBox(x0: 0.5, y0: 0.25, x1: 0.9, y1: 0.75), BoundingBox(x0: 0.1, y0: 0.1, x1: 0.4, y1: 0.3)]))
    }

    @Test func verticalFlipIsExact() throws {
        var settings = AugmentationSettings.neutral
        settings.stepProbability = 1
        settings.verticalFlip = 1
        let image = try picture()
        var random = SeededRandom(seed: 3)
        let result = try #require(ImageAugmenter(settings: settings).augmentedImage(image, objects: someObjects, random: &random))
        for y in 0..<image.height {
            for x in 0..<image.width { #expect(result.image[x, y] == image[x, image.height - 1 - y]) }
        }
        #expect(close(result.objects.map(\.box), [BoundingBox(x0: 0.1, y0: 0.25, x1: 0.5, y1: 0.75), BoundingBox(x0: 0.6, y0: 0.7, x1: 0.9, y1: 0.9)]))
    }

    /// A white rectangle on black: after crop, affine and flips, the box of the bright pixels is the
    /// returned label box (a rectangle's corners are its extreme points, so the enclosing box of
    /// the moved corners is exactly the moved shape's box).
    @Test(arguments: 0..<24)
    func boxesFollowThePixels(seed: UInt64) throws {
        var image = try RGBImage(width: 96, height: 96, color: .black)
        image.fill(PixelRect(x: 30, y: 20, width: 36, height: 44), color: .white)
        let object = TrainingObject(classIndex: 0, box: BoundingBox(x0: 30 / 96, y0: 20 / 96, x1: 66 / 96, y1: 64 / 96))
        var random = SeededRandom(seed: seed)
        guard let result = ImageAugmenter(settings: geometryOnly()).augmentedImage(image, objects: [object], random: &random) else {
            return  // the draw moved the box out: checked in droppedBoxesLeaveNoShape
        }
        let box = try #require(result.objects.first).box
        var left = Int.max, right = Int.min, top = Int.max, bottom = Int.min
        for y in 0..<96 {
            for x in 0..<96 where result.image[x, y].red >= 128 {
                left = min(left, x)
                right = max(right, x + 1)
                top = min(top, y)
                bottom = max(bottom, y + 1)
            }
        }
        #expect(abs(Float(left) - box.x0 * 96) <= 1.5 && abs(Float(right) - box.x1 * 96) <= 1.5,
                "x: pixels \(left)..<\(right), label \(box.x0 * 96)..<\(box.x1 * 96)")
        #expect(abs(Float(top) - box.y0 * 96) <= 1.5 && abs(Float(bottom) - box.y1 * 96) <= 1.5,
                "y: pixels \(top)..<\(bottom), label \(box.y0 * 96)..<\(box.y1 * 96)")
    }

    @Test func boxesAreClippedOrDropped() {
        let shift = AffineMap.translation(-30, 0)
        let moved = ImageAugmenter.move(someObjects, by: shift, width: 100, height: 100)
        // The first box (x 10..50) keeps 0..20; the second (60..90) becomes 30..60.
        #expect(close(moved.map(\.box), [BoundingBox(x0: 0, y0: 0.25, x1: 0.2, y1: 0.75), BoundingBox(x0: 0.3, y0: 0.1, x1: 0.6, y1: 0.3)]))
        let farLeft = ImageAugmenter.move(someObjects, by: .translation(-49, 0), width: 100, height: 100)
        #expect(farLeft.map(\.classIndex) == [0], "1 pixel of the first box is left: below the 2-pixel minimum")
        #expect(ImageAugmenter.move(someObjects, by: .translation(0, 200), width: 100, height: 100).isEmpty)
    }

    @Test func noBoxLeftMeansNoImage() throws {
        // Everything shifted out: the draw is refused so the caller can draw again.
        var settings = AugmentationSettings.neutral
        settings.stepProbability = 1
        settings.translation = 5
        settings.scale = 0.5...0.5
        let image = try picture()
        let tiny = [TrainingObject(classIndex: 0, box: BoundingBox(x0: 0.45, y0: 0.45, x1: 0.55, y1: 0.55))]
        var refused = 0
        for seed in 0..<20 as Range<UInt64> {
            var random = SeededRandom(seed: seed)
            if ImageAugmenter(settings: settings).augmentedImage(image, objects: tiny, random: &random) == nil { refused += 1 }
        }
        #expect(refused > 10)
    }

    @Test func sameSeedSameAugmentation() throws {
        let image = try picture(width: 64, height: 64)
        let augmenter = ImageAugmenter(settings: AugmentationSettings())
        var first = SeededRandom(seed: 11), second = SeededRandom(seed: 11)
        let a = augmenter.augmentedImage(image, objects: someObjects, random: &first)
        let b = augmenter.augmentedImage(image, objects: someObjects, random: &second)
        #expect(a?.image == b?.image && a?.objects == b?.objects)
    }

    @Test(arguments: [Float(0.3), 1, 2.9])
    func fastBlurMatchesReference(sigma: Float) {
        let width = 45, height = 13
        var random = SeededRandom(seed: 4)
        var reference = (0..<width * height * 3).map { _ in random.uniform(0...255) }
        var fast = reference, scratch = [Float](repeating: 0, count: reference.count)
        fast.withUnsafeMutableBufferPointer { pixels in
            scratch.withUnsafeMutableBufferPointer { gaussianBlur(pixels, width: width, height: height, sigma: sigma, scratch: $0) }
        }
        gaussianBlurReference(&reference, width: width, height: height, sigma: sigma)
        let worst = zip(fast, reference).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 1e-3)
    }

    @Test func blurKeepsAFlatImageFlat() {
        var pixels = [Float](repeating: 77, count: 20 * 9 * 3), scratch = pixels
        pixels.withUnsafeMutableBufferPointer { pixels in
            scratch.withUnsafeMutableBufferPointer { gaussianBlur(pixels, width: 20, height: 9, sigma: 2, scratch: $0) }
        }
        #expect(pixels.allSatisfy { abs($0 - 77) < 1e-3 })
    }

    @Test func pixelValuesSaturateLikeEightBitImages() throws {
        let image = try picture(width: 32, height: 32)
        var settings = AugmentationSettings.neutral
        settings.multiply = 1.5...1.5
        settings.add = 50...50
        var values = [Float](repeating: 0, count: image.pixels.count)
        var random = SeededRandom(seed: 1)
        _ = values.withUnsafeMutableBufferPointer { ImageAugmenter(settings: settings).augment(image, objects: [], random: &random, into: $0) }
        // Whatever the order, x1.5 and +50 take every value from 137 up to exactly 255.
        let saturating = image.pixels.filter { $0 >= 137 }.count
        #expect(values.filter { $0 == 255 }.count == saturating)
        #expect(values.allSatisfy { (0...255).contains($0) })
    }

    @Test(arguments: 0..<6)
    func defaultAugmentationStaysInRange(seed: UInt64) throws {
        let image = try picture(width: 40, height: 40, seed: seed)
        var values = [Float](repeating: 0, count: image.pixels.count)
        var random = SeededRandom(seed: seed)
        let objects = values.withUnsafeMutableBufferPointer {
            ImageAugmenter(settings: AugmentationSettings()).augment(image, objects: someObjects, random: &random, into: $0)
        }
        #expect(values.allSatisfy { (0...255).contains($0) })
        for object in objects ?? [] {
            #expect(object.box.x0 >= 0 && object.box.y0 >= 0 && object.box.x1 <= 1 && object.box.y1 <= 1)
            #expect(object.box.width * 40 >= 2 && object.box.height * 40 >= 2)
        }
    }

    @Test func warpWithTheIdentityMapCopiesExactly() throws {
        let image = try picture(width: 17, height: 9)
        var source = [Float](repeating: 0, count: image.pixels.count + 1)
        source.withUnsafeMutableBufferPointer { copyPixels(of: image, into: $0) }
        var output = [Float](repeating: -1, count: image.pixels.count)
        source.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { output in
                warp(source.baseAddress!, width: 17, height: 9, inverse: .identity, fill: 0, into: output.baseAddress!)
            }
        }
        #expect(output == image.pixels.map(Float.init))
    }

    @Test func affineMapInverseUndoesTheMap() throws {
        let map = AffineMap.rotation(degrees: 20).followed(by: .shear(degrees: 10)).followed(by: .translation(3, -4))
            .followed(by: .scaling(0.7, 1.2))
        let inverse = try #require(map.inverse)
        let there = map.apply(5, 9), back = inverse.apply(there.x, there.y)
        #expect(abs(back.x - 5) < 1e-9 && abs(back.y - 9) < 1e-9)
    }
}

private func close(_ a: [BoundingBox], _ b: [BoundingBox]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { p, q in
        abs(p.x0 - q.x0) < 1e-6 && abs(p.y0 - q.y0) < 1e-6 && abs(p.x1 - q.x1) < 1e-6 && abs(p.y1 - q.y1) < 1e-6
    }
}
