/// How much of each pixel a polygon covers (0...1), over the polygon's pixel bounding box: exact
/// along x, four sub-scanlines per pixel along y. This is the antialiasing of the synthetic shapes.
struct ShapeCoverage: Sendable {
    /// The covered pixel rectangle: columns x0..<x0+width, rows y0..<y0+height.
    let x0: Int, y0: Int, width: Int, height: Int
    /// Row-major, `width * height` values.
    var values: [Float]

    static let subScanlines = 4

    /// The coverage of a simple polygon (vertices in pixel coordinates, pixel (i, j) spanning
    /// [i, i+1) x [j, j+1)), clipped to an image of `imageWidth` x `imageHeight`; nil if nothing is inside.
    init?(polygon: [SIMD2<Float>], imageWidth: Int, imageHeight: Int) {
        let xs = polygon.map(\.x), ys = polygon.map(\.y)
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max(),
              minX.isFinite, maxX.isFinite, minY.isFinite, maxY.isFinite else { return nil }
        let left = max(0, Int(max(minX, -1).rounded(.down))), right = min(imageWidth, Int(min(maxX, Float(imageWidth) + 1).rounded(.up)))
        let top = max(0, Int(max(minY, -1).rounded(.down))), bottom = min(imageHeight, Int(min(maxY, Float(imageHeight) + 1).rounded(.up)))
        guard right > left, bottom > top else { return nil }
        x0 = left
        y0 = top
        width = right - left
        height = bottom - top
        values = [Float](repeating: 0, count: width * height)
        let weight = 1 / Float(Self.subScanlines)
        var crossings: [Float] = []
        crossings.reserveCapacity(polygon.count)
        for row in 0..<height {
            for sub in 0..<Self.subScanlines {
                let y = Float(top + row) + (Float(sub) + 0.5) * weight
                crossings.removeAll(keepingCapacity: true)
                for k in polygon.indices {
                    let a = polygon[k], b = polygon[(k + 1) % polygon.count]
                    // Half-open in y, so a vertex exactly on the scanline is counted once.
                    guard (a.y <= y && y < b.y) || (b.y <= y && y < a.y) else { continue }
                    crossings.append(a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x))
                }
                crossings.sort()
                var k = 0
                while k + 1 < crossings.count {
                    addSpan(from: crossings[k] - Float(left), to: crossings[k + 1] - Float(left), row: row, weight: weight)
                    k += 2
                }
            }
        }
    }

    /// Adds `weight` times the part of each pixel of `row` that lies between `start` and `end` (box-relative x).
    private mutating func addSpan(from start: Float, to end: Float, row: Int, weight: Float) {
        let a = max(0, start), b = min(Float(width), end)
        guard b > a else { return }
        let first = Int(a), last = min(Int(b), width - 1)
        let base = row * width
        if first == last {
            values[base + first] += (b - a) * weight
            return
        }
        values[base + first] += (Float(first + 1) - a) * weight
        if last > first + 1 {
            for i in first + 1..<last { values[base + i] += weight }
        }
        values[base + last] += (b - Float(last)) * weight
    }

    /// The coverage at image pixel (x, y), 0 outside the box.
    func value(x: Int, y: Int) -> Float {
        let i = x - x0, j = y - y0
        guard i >= 0, i < width, j >= 0, j < height else { return 0 }
        return values[j * width + i]
    }

    /// Intersection over union of the two pixel boxes.
    func boxOverlap(with other: ShapeCoverage) -> Float {
        let w = min(x0 + width, other.x0 + other.width) - max(x0, other.x0)
        let h = min(y0 + height, other.y0 + other.height) - max(y0, other.y0)
        guard w > 0, h > 0 else { return 0 }
        let intersection = Float(w * h)
        return intersection / (Float(width * height + other.width * other.height) - intersection)
    }

    /// The sum of the coverage: the polygon's area in pixels, up to the sub-scanline sampling.
    var area: Float { values.reduce(0, +) }
}
