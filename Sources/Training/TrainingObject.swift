import Detection

/// One ground-truth object of a training image: its class (0-based over the dataset's class
/// names, background excluded) and its box in normalised [0, 1] corner coordinates.
public struct TrainingObject: Equatable, Hashable, Codable, Sendable {
    public var classIndex: Int
    public var box: BoundingBox

    public init(classIndex: Int, box: BoundingBox) {
        self.classIndex = classIndex
        self.box = box
    }
}
