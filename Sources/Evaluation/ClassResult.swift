/// The metric for one class. The JSON holds the figures; the curves stay in Swift for plotting.
public struct ClassResult: Equatable, Sendable, Codable {
    public var classIndex: Int
    public var name: String
    /// Pascal-VOC average precision, a fraction in 0...1 (0 for a class without ground truth).
    public var averagePrecision: Double
    public var truePositives: Int
    public var falsePositives: Int
    public var groundTruths: Int
    /// COCO-style AP averaged over IoU 0.50...0.95 (see `cocoAveragePrecision`); nil without ground truth.
    public var cocoAveragePrecision: Double?
    /// Precision after each detection, highest score first.
    public var precisions: [Double] = []
    /// Recall after each detection, highest score first (NaN without ground truth, as in the model zoo).
    public var recalls: [Double] = []

    enum CodingKeys: String, CodingKey {
        case classIndex, name, averagePrecision = "ap", truePositives, falsePositives, groundTruths
        case cocoAveragePrecision = "cocoAP"
    }

    public init(classIndex: Int, name: String, averagePrecision: Double, truePositives: Int, falsePositives: Int,
                groundTruths: Int, cocoAveragePrecision: Double?, precisions: [Double], recalls: [Double]) {
        self.classIndex = classIndex
        self.name = name
        self.averagePrecision = averagePrecision
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.groundTruths = groundTruths
        self.cocoAveragePrecision = cocoAveragePrecision
        self.precisions = precisions
        self.recalls = recalls
    }
}
