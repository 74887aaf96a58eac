import Detection
import Foundation

/// A shape drawn in a synthetic scene, with how much of each of its pixels is still visible after
/// the shapes drawn over it.
struct PlacedShape: Sendable {
    let classIndex: Int
    let coverage: ShapeCoverage
    let colour: SIMD3<Float>
    /// Drawn area in pixels.
    let area: Float
    /// Per pixel of `coverage`'s box: coverage times the share no later shape hides.
    private(set) var visible: [Float]
    private(set) var visibleArea: Float

    init(classIndex: Int, coverage: ShapeCoverage, colour: SIMD3<Float>) {
        self.classIndex = classIndex
        self.coverage = coverage
        self.colour = colour
        area = coverage.area
        visible = coverage.values
        visibleArea = area
    }

    /// The visible area a shape drawn on top with `cover` would hide.
    func loss(under cover: ShapeCoverage) -> Float {
        var lost: Float = 0
        forEachOverlap(with: cover) { own, other in lost += visible[own] * cover.values[other] }
        return lost
    }

    mutating func hide(under cover: ShapeCoverage) {
        var updated = visible
        forEachOverlap(with: cover) { own, other in updated[own] *= 1 - cover.values[other] }
        visible = updated
        visibleArea = visible.reduce(0, +)
    }

    /// Blends the shape's colour, with a gentle random shading gradient, over an HWC float canvas.
    func paint(on canvas: inout [Float], imageWidth: Int, random: inout SeededRandom) {
        let angle = random.uniform(0...(2 * Float.pi))
        let radius = Float(max(coverage.width, coverage.height)) / 2
        // Up to 25 grey levels lighter at one edge and darker at the other.
        let slope = random.uniform(0...25) / radius
        let step = SIMD2(cos(angle), sin(angle)) * slope
        let centre = SIMD2(Float(coverage.width), Float(coverage.height)) / 2
        for row in 0..<coverage.height {
            for column in 0..<coverage.width {
                let c = coverage.values[row * coverage.width + column]
                guard c > 0 else { continue }
                let shade = ((SIMD2(Float(column), Float(row)) - centre) * step).sum()
                let fill = (colour + SIMD3(repeating: shade)).clamped(lowerBound: .zero, upperBound: SIMD3(repeating: 255))
                let i = ((coverage.y0 + row) * imageWidth + coverage.x0 + column) * 3
                let old = SIMD3(canvas[i], canvas[i + 1], canvas[i + 2])
                let blended: SIMD3<Float> = old + c * (fill - old)
                canvas[i] = blended.x
                canvas[i + 1] = blended.y
                canvas[i + 2] = blended.z
            }
        }
    }

    /// The label: the box of pixels at least half visible (of any visible pixel if none is).
    func label() -> SyntheticObject? {
        let threshold: Float = visible.contains { $0 >= 0.5 } ? 0.5 : Float.leastNonzeroMagnitude
        var left = Int.max, right = Int.min, top = Int.max, bottom = Int.min
        for row in 0..<coverage.height {
            for column in 0..<coverage.width where visible[row * coverage.width + column] >= threshold {
                left = min(left, column)
                right = max(right, column)
                top = min(top, row)
                bottom = max(bottom, row)
            }
        }
        guard left <= right else { return nil }
        let box = BoundingBox(x0: Float(coverage.x0 + left), y0: Float(coverage.y0 + top),
                              x1: Float(coverage.x0 + right + 1), y1: Float(coverage.y0 + bottom + 1))
        return SyntheticObject(classIndex: classIndex, box: box, visibleFraction: area > 0 ? visibleArea / area : 0)
    }

    /// Calls `body` with (index in own box, index in `other`'s box) for each pixel both boxes share.
    private func forEachOverlap(with other: ShapeCoverage, _ body: (Int, Int) -> Void) {
        let left = max(coverage.x0, other.x0), right = min(coverage.x0 + coverage.width, other.x0 + other.width)
        let top = max(coverage.y0, other.y0), bottom = min(coverage.y0 + coverage.height, other.y0 + other.height)
        guard left < right, top < bottom else { return }
        for y in top..<bottom {
            for x in left..<right {
                body((y - coverage.y0) * coverage.width + x - coverage.x0, (y - other.y0) * other.width + x - other.x0)
            }
        }
    }
}
