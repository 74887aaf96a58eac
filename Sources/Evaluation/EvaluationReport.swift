/// The outcome of `evaluate`; encodes to JSON as `{"map", "cocoMap", "iouThreshold", "interpolation", "classes"}`.
public struct EvaluationReport: Equatable, Sendable, Codable {
    /// The mean of the classes' Pascal-VOC AP (a fraction), over the classes with a ground truth or a detection.
    public var meanAveragePrecision: Double
    /// COCO-style mAP@[.50:.95] over the classes with ground truth.
    public var cocoMeanAveragePrecision: Double
    public var iouThreshold: Double
    public var interpolation: APInterpolation
    /// Ordered by class index.
    public var classes: [ClassResult]

    enum CodingKeys: String, CodingKey {
        case meanAveragePrecision = "map", cocoMeanAveragePrecision = "cocoMap", iouThreshold, interpolation, classes
    }

    public init(meanAveragePrecision: Double, cocoMeanAveragePrecision: Double, iouThreshold: Double,
                interpolation: APInterpolation, classes: [ClassResult]) {
        self.meanAveragePrecision = meanAveragePrecision
        self.cocoMeanAveragePrecision = cocoMeanAveragePrecision
        self.iouThreshold = iouThreshold
        self.interpolation = interpolation
        self.classes = classes
    }
}
