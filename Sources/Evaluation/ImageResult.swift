import Detection

/// What the evaluation needs of one image: its size, its labelled objects and the model's detections.
public struct ImageResult: Sendable {
    public var imageWidth: Int
    public var imageHeight: Int
    public var groundTruths: [LabeledObject]
    /// Boxes in original-image pixels; `classIndex` is the dataset's 0-based class.
    public var detections: [Detection]

    public init(imageWidth: Int, imageHeight: Int, groundTruths: [LabeledObject], detections: [Detection]) {
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.groundTruths = groundTruths
        self.detections = detections
    }
}
