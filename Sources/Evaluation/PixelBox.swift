import Detection

/// A box in whole pixels with inclusive corners, as the model zoo's Pascal-VOC metric (its copy of
/// Rafael Padilla's `object_det_metrics`) sees ground truths and detections alike.
public struct PixelBox: Equatable, Hashable, Sendable {
    public var x0: Int
    public var y0: Int
    public var x1: Int
    public var y1: Int

    public init(x0: Int, y0: Int, x1: Int, y1: Int) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    /// A label's box: `x0 = round((2cx - w)·W/2)`, `x1 = x0 + round(w·W)` (Python rounding, half to even),
    /// then x0 raised to 0 and x1 lowered to W - 1 (and the same for y).
    public init(_ object: LabeledObject, imageWidth: Int, imageHeight: Int) {
        self.init(relativeCenterX: object.centerX, centerY: object.centerY, width: object.width, height: object.height,
                  imageWidth: imageWidth, imageHeight: imageHeight)
    }

    /// A detection's box: its float pixel corners re-expressed relative to the image as the model zoo
    /// does (width and height subtracted in Float32, the rest in Double, NumPy 1.x promotion), then as a label.
    public init(_ box: BoundingBox, imageWidth: Int, imageHeight: Int) {
        let width = Double(box.x1 - box.x0)
        let height = Double(box.y1 - box.y0)
        self.init(relativeCenterX: (Double(box.x0) + width / 2) / Double(imageWidth),
                  centerY: (Double(box.y0) + height / 2) / Double(imageHeight),
                  width: width / Double(imageWidth), height: height / Double(imageHeight),
                  imageWidth: imageWidth, imageHeight: imageHeight)
    }

    private init(relativeCenterX: Double, centerY: Double, width: Double, height: Double, imageWidth: Int, imageHeight: Int) {
        (x0, x1) = Self.span(center: relativeCenterX, size: width, extent: imageWidth)
        (y0, y1) = Self.span(center: centerY, size: height, extent: imageHeight)
    }

    /// One axis: the end comes from the unclamped start, and only start < 0 and end >= extent are clamped.
    private static func span(center: Double, size: Double, extent: Int) -> (start: Int, end: Int) {
        let start = wholePixels((2 * zeroIfNaN(center) - zeroIfNaN(size)) * Double(extent) / 2)
        let end = start + wholePixels(zeroIfNaN(size) * Double(extent))
        return (max(start, 0), end >= extent ? extent - 1 : end)
    }

    /// The model zoo's `check()` turns a NaN coordinate into 0 before converting it.
    private static func zeroIfNaN(_ value: Double) -> Double { value.isNaN ? 0 : value }

    /// Python's `round()`, bounded so that areas of absurd boxes cannot overflow.
    private static func wholePixels(_ value: Double) -> Int {
        let limit = Double(1 << 28)
        return value.isNaN ? 0 : Int(min(max(value.rounded(.toNearestOrEven), -limit), limit))
    }

    /// Counts both edge pixels, so it is negative or zero for boxes whose end precedes their start.
    public var area: Int { (x1 - x0 + 1) * (y1 - y0 + 1) }

    /// The model zoo's IoU: 0 for boxes apart (touching counts as overlapping), else "+1 pixel"
    /// intersection over union, 0 when the union is not positive.
    public func intersectionOverUnion(with other: PixelBox) -> Double {
        if x0 > other.x1 || other.x0 > x1 || y1 < other.y0 || y0 > other.y1 { return 0 }
        let intersection = (min(x1, other.x1) - max(x0, other.x0) + 1) * (min(y1, other.y1) - max(y0, other.y0) + 1)
        let union = area + other.area - intersection
        guard union > 0 else { return 0 }
        return max(Double(intersection) / Double(union), 0)
    }
}
