/// One object of a YOLO Darknet label line (`class cx cy w h`): its class and its box as fractions
/// of the image width and height.
public struct LabeledObject: Equatable, Hashable, Codable, Sendable {
    /// The dataset's 0-based class (the model's class `classIndex + 1`; its class 0 is background).
    public var classIndex: Int
    public var centerX: Double
    public var centerY: Double
    public var width: Double
    public var height: Double

    public init(classIndex: Int, centerX: Double, centerY: Double, width: Double, height: Double) {
        self.classIndex = classIndex
        self.centerX = centerX
        self.centerY = centerY
        self.width = width
        self.height = height
    }
}
