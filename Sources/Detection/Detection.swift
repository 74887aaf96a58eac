/// An axis-aligned box by its corners, in pixels of the original image (or normalised [0, 1]
/// coordinates where a function says so).
public struct BoundingBox: Equatable, Hashable, Codable, Sendable {
    public var x0: Float
    public var y0: Float
    public var x1: Float
    public var y1: Float

    public init(x0: Float, y0: Float, x1: Float, y1: Float) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    public var width: Float { x1 - x0 }
    public var height: Float { y1 - y0 }
    public var area: Float { max(width, 0) * max(height, 0) }

    /// Intersection over union with corner boxes, without the "+1 pixel" convention.
    public func intersectionOverUnion(with other: BoundingBox) -> Float {
        let w = min(x1, other.x1) - max(x0, other.x0)
        let h = min(y1, other.y1) - max(y0, other.y0)
        guard w > 0, h > 0 else { return 0 }
        let intersection = w * h
        return intersection / (area + other.area - intersection)
    }
}

/// One detected object.
public struct Detection: Equatable, Codable, Sendable {
    /// Index into the dataset's class names (the model's class `classIndex + 1`; its class 0 is background).
    public var classIndex: Int
    public var score: Float
    public var box: BoundingBox
    /// The anchor (row of the model output) this detection came from.
    public var anchorIndex: Int

    public init(classIndex: Int, score: Float, box: BoundingBox, anchorIndex: Int) {
        self.classIndex = classIndex
        self.score = score
        self.box = box
        self.anchorIndex = anchorIndex
    }
}
