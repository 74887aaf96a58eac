import Detection
import Foundation
import ImageIO
import Testing
@testable import Training

/// The shape rasteriser covers exactly the polygon, and scenes keep their promises: determinism,
/// tight labels, the occlusion rule, sizes in range.
@Suite struct SyntheticSceneTests {
    @Test func rectangleOnPixelEdgesCoversWholePixelsOnly() throws {
        let square = [SIMD2<Float>(3, 2), SIMD2(7, 2), SIMD2(7, 5), SIMD2(3, 5)]
        let coverage = try #require(ShapeCoverage(polygon: square, imageWidth: 10, imageHeight: 10))
        for y in 0..<10 {
            for x in 0..<10 {
                let inside = (3..<7).contains(x) && (2..<5).contains(y)
                #expect(coverage.value(x: x, y: y) == (inside ? 1 : 0), "pixel \(x), \(y)")
            }
        }
    }

    @Test func halfPixelEdgesAreHalfCovered() throws {
        let square = [SIMD2<Float>(2.5, 1), SIMD2(5.5, 1), SIMD2(5.5, 3), SIMD2(2.5, 3)]
        let coverage = try #require(ShapeCoverage(polygon: square, imageWidth: 8, imageHeight: 8))
        #expect(coverage.value(x: 2, y: 1) == 0.5)
        #expect(coverage.value(x: 3, y: 2) == 1)
        #expect(coverage.value(x: 5, y: 2) == 0.5)
        #expect(coverage.value(x: 6, y: 2) == 0)
        #expect(coverage.area == 6)
    }

    @Test func rotatedSquareAreaMatchesGeometry() throws {
        // A 20 x 20 square turned by 30 degrees: area 400 whatever the angle.
        let angle = Float.pi / 6
        let corners = [SIMD2<Float>(-10, -10), SIMD2(10, -10), SIMD2(10, 10), SIMD2(-10, 10)].map { p in
            SIMD2(cos(angle) * p.x - sin(angle) * p.y + 20, sin(angle) * p.x + cos(angle) * p.y + 20)
        }
        let coverage = try #require(ShapeCoverage(polygon: corners, imageWidth: 40, imageHeight: 40))
        #expect(abs(coverage.area - 400) < 1)
        #expect(coverage.values.allSatisfy { (0...1.0001).contains($0) })
    }

    @Test func polygonOutsideTheImageHasNoCoverage() {
        let square = [SIMD2<Float>(-9, -9), SIMD2(-2, -9), SIMD2(-2, -2), SIMD2(-9, -2)]
        #expect(ShapeCoverage(polygon: square, imageWidth: 10, imageHeight: 10) == nil)
    }

    @Test func sameSeedSameScene() {
        var options = SyntheticSceneOptions()
        options.imageSize = 64
        var first = SeededRandom(seed: 7, path: 1, 3), second = SeededRandom(seed: 7, path: 1, 3), other = SeededRandom(seed: 7, path: 1, 4)
        let a = SyntheticScene(options: options, random: &first)
        let b = SyntheticScene(options: options, random: &second)
        let c = SyntheticScene(options: options, random: &other)
        #expect(a.image == b.image)
        #expect(a.labelText == b.labelText)
        #expect(a.image != c.image)
    }

    /// On a flat, noise-free background the label box is the box of the pixels the shape changed.
    @Test(arguments: 0..<12)
    func labelIsTightAroundTheDrawnShape(seed: UInt64) throws {
        var options = SyntheticSceneOptions()
        options.imageSize = 96
        options.maximumObjects = 1
        options.noise = 0
        options.texture = 0
        var random = SeededRandom(seed: seed)
        let scene = SyntheticScene(options: options, random: &random)
        let object = try #require(scene.objects.first)
        let background = scene.image[0, 0] == scene.image[95, 95] ? scene.image[0, 0] : scene.image[95, 0]
        var left = Int.max, right = Int.min, top = Int.max, bottom = Int.min
        for y in 0..<96 {
            for x in 0..<96 {
                let p = scene.image[x, y]
                let difference = abs(Int(p.red) - Int(background.red)) + abs(Int(p.green) - Int(background.green))
                    + abs(Int(p.blue) - Int(background.blue))
                if difference > 40 {
                    left = min(left, x)
                    right = max(right, x + 1)
                    top = min(top, y)
                    bottom = max(bottom, y + 1)
                }
            }
        }
        let box = object.box
        #expect(abs(Float(left) - box.x0) <= 1 && abs(Float(right) - box.x1) <= 1, "x: pixels \(left)..<\(right), label \(box.x0)..<\(box.x1)")
        #expect(abs(Float(top) - box.y0) <= 1 && abs(Float(bottom) - box.y1) <= 1, "y: pixels \(top)..<\(bottom), label \(box.y0)..<\(box.y1)")
    }

    @Test func everyObjectKeepsTheVisibleShareAndSizeRange() {
        var options = SyntheticSceneOptions()
        options.imageSize = 80
        options.maximumObjects = 8
        var objectCount = 0
        for seed in 0..<30 as Range<UInt64> {
            var random = SeededRandom(seed: seed)
            let scene = SyntheticScene(options: options, random: &random)
            #expect(!scene.objects.isEmpty)
            objectCount += scene.objects.count
            for object in scene.objects {
                #expect(object.visibleFraction >= options.minimumVisibleFraction)
                #expect(object.box.x0 >= 0 && object.box.y0 >= 0 && object.box.x1 <= 80 && object.box.y1 <= 80)
                #expect(max(object.box.width, object.box.height) <= options.objectSizes.upperBound * 80 + 1)
                #expect((0..<options.classes.count).contains(object.classIndex))
            }
            for (i, a) in scene.objects.enumerated() {
                for b in scene.objects[(i + 1)...] where a.classIndex == b.classIndex {
                    #expect(a.box.intersectionOverUnion(with: b.box) < 0.5, "NMS would merge two objects of one class")
                }
            }
        }
        #expect(objectCount > 60, "8 objects allowed per image, yet only \(objectCount) in 30 images")
    }

    @Test func optionProblemsAreNamed() {
        var options = SyntheticSceneOptions()
        options.classes = []
        #expect(options.problem?.contains("class") == true)
        options = SyntheticSceneOptions()
        options.objectSizes = 0.01...0.5
        #expect(options.problem?.contains("0.05") == true)
    }
}
