/// Two evaluations of the same dataset side by side, class by class: a float model and its int8
/// quantization (fractions in 0..1, `difference` = int8 - float).
public struct APComparison: Equatable, Sendable, Codable {
    public struct ClassComparison: Equatable, Sendable, Codable {
        public var name: String
        public var floatAP: Double
        public var int8AP: Double
        public var difference: Double
    }

    public var dataset: String
    public var iouThreshold: Double
    public var floatMAP: Double
    public var int8MAP: Double
    public var classes: [ClassComparison]

    public init(dataset: String, float: EvaluationReport, int8: EvaluationReport) {
        self.dataset = dataset
        iouThreshold = float.iouThreshold
        floatMAP = float.meanAveragePrecision
        int8MAP = int8.meanAveragePrecision
        let indices = Set(float.classes.map(\.classIndex) + int8.classes.map(\.classIndex)).sorted()
        classes = indices.map { index in
            let f = float.classes.first { $0.classIndex == index }, q = int8.classes.first { $0.classIndex == index }
            let floatAP = f?.averagePrecision ?? 0, int8AP = q?.averagePrecision ?? 0
            return ClassComparison(name: f?.name ?? q?.name ?? "class \(index)", floatAP: floatAP, int8AP: int8AP,
                                   difference: int8AP - floatAP)
        }
    }
}
