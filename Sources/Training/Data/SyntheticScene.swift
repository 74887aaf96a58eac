import Detection
import Foundation
import ImageIO

/// One object of a synthetic image: its class and its box tight around the visible part of the
/// drawn shape (pixels whose visible coverage is at least one half), in pixels.
public struct SyntheticObject: Equatable, Sendable {
    public var classIndex: Int
    public var box: BoundingBox
    /// Visible area over drawn area (occlusion by later objects).
    public var visibleFraction: Float
}

/// A procedurally drawn image: a textured background, then shapes of random class, size, aspect,
/// rotation and colour drawn antialiased one over another, then sensor-like noise.
public struct SyntheticScene: Sendable {
    public var image: RGBImage
    public var objects: [SyntheticObject]

    private static let placementAttempts = 25
    /// Smallest RGB distance between an object's colour and the background colours it lies on.
    private static let minimumContrast: Float = 90

    /// Draws a scene; `options` must have no `problem`.
    public init(options: SyntheticSceneOptions, random: inout SeededRandom) {
        let size = options.imageSize
        var canvas = [Float](repeating: 0, count: size * size * 3)
        let background = SyntheticBackground(strength: options.texture, random: &random)
        background.paint(&canvas, width: size, height: size)
        var placed: [PlacedShape] = []
        for _ in 0..<random.integer(in: 1...options.maximumObjects) {
            for _ in 0..<Self.placementAttempts {
                let classIndex = random.below(options.classes.count)
                guard let coverage = Self.drawPlace(options.classes[classIndex], options: options, random: &random) else { continue }
                let losses = placed.map { $0.loss(under: coverage) }
                let keepsVisible = zip(placed, losses).allSatisfy { shape, loss in
                    (shape.visibleArea - loss) >= options.minimumVisibleFraction * shape.area
                }
                // Same-class boxes overlapping this much could be merged by NMS (IoU 0.5) and never both be found.
                let apartFromItsKind = placed.allSatisfy { $0.classIndex != classIndex || $0.coverage.boxOverlap(with: coverage) < 0.4 }
                guard keepsVisible, apartFromItsKind else { continue }
                let covered = zip(placed, losses).filter { $0.1 > 0 }.map(\.0.colour)
                let colour = Self.drawColour(against: background, strength: options.texture, covered: covered, random: &random)
                for k in placed.indices where losses[k] > 0 { placed[k].hide(under: coverage) }
                let shape = PlacedShape(classIndex: classIndex, coverage: coverage, colour: colour)
                shape.paint(on: &canvas, imageWidth: size, random: &random)
                placed.append(shape)
                break
            }
        }
        let sigma = random.uniform(0...options.noise)
        if sigma > 0 {
            var noise = [Float](repeating: 0, count: canvas.count)
            noise.withUnsafeMutableBufferPointer { NormalTable.fill($0, using: &random) }
            for i in canvas.indices { canvas[i] += sigma * noise[i] }
        }
        let bytes = canvas.map { UInt8(min(max($0, 0), 255).rounded(.toNearestOrEven)) }
        image = RGBImage(squarePixels: bytes, size: size)
        objects = placed.compactMap { $0.label() }
    }

    /// The YOLO Darknet label file text: `class cx cy w h` relative to the image, one line per object.
    public var labelText: String {
        let side = Float(image.width)
        return objects.map { object in
            let box = object.box
            return String(format: "%d %.6f %.6f %.6f %.6f\n", object.classIndex, Double((box.x0 + box.x1) / (2 * side)),
                          Double((box.y0 + box.y1) / (2 * side)), Double(box.width / side), Double(box.height / side))
        }.joined()
    }

    /// A shape of random proportions, rotation and size at a random place inside the image.
    private static func drawPlace(_ shape: SyntheticShape, options: SyntheticSceneOptions,
                                  random: inout SeededRandom) -> ShapeCoverage? {
        let angle = random.uniform(0...(2 * Float.pi))
        let rotation = (cos: cos(angle), sin: sin(angle))
        let outline = shape.outline(using: &random).map { p in
            SIMD2(rotation.cos * p.x - rotation.sin * p.y, rotation.sin * p.x + rotation.cos * p.y)
        }
        let low = outline.reduce(SIMD2(repeating: Float.infinity)) { pointwiseMin($0, $1) }
        let high = outline.reduce(SIMD2(repeating: -Float.infinity)) { pointwiseMax($0, $1) }
        let side = Float(options.imageSize)
        let scale = random.logUniform(options.objectSizes) * side / max(high.x - low.x, high.y - low.y)
        let extent = (high - low) * scale
        let corner = SIMD2(random.uniform(0...(side - extent.x)), random.uniform(0...(side - extent.y)))
        let polygon = outline.map { ($0 - low) * scale + corner }
        return ShapeCoverage(polygon: polygon, imageWidth: options.imageSize, imageHeight: options.imageSize)
    }

    /// A random colour far from the background's colour range and from the objects it covers.
    private static func drawColour(against background: SyntheticBackground, strength: Float, covered: [SIMD3<Float>],
                                   random: inout SeededRandom) -> SIMD3<Float> {
        let start = background.first, end = background.first + strength * (background.second - background.first)
        var best = SIMD3<Float>(), bestContrast: Float = -1
        for _ in 0..<30 {
            let colour = SIMD3(random.uniform(0...255), random.uniform(0...255), random.uniform(0...255))
            let contrast = covered.map { distance($0, colour) }.reduce(distanceToSegment(colour, start, end), min)
            if contrast > bestContrast { (best, bestContrast) = (colour, contrast) }
            if contrast >= minimumContrast { break }
        }
        return best
    }
}

private func distance(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
    ((a - b) * (a - b)).sum().squareRoot()
}

private func distanceToSegment(_ p: SIMD3<Float>, _ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
    let direction = b - a, length = (direction * direction).sum()
    let t = length > 0 ? min(max(((p - a) * direction).sum() / length, 0), 1) : 0
    return distance(p, a + t * direction)
}

extension RGBImage {
    /// `size` x `size` pixels this module made with the right byte count.
    init(squarePixels: [UInt8], size: Int) {
        do {
            try self.init(width: size, height: size, pixels: squarePixels)
        } catch {
            preconditionFailure("a synthetic image has \(size * size * 3) bytes")
        }
    }
}
