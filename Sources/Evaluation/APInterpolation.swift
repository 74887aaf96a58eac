/// How a precision/recall curve becomes one average precision: the model zoo's two methods.
public enum APInterpolation: String, Codable, Sendable, CaseIterable {
    /// The area under the precision envelope, one step per recall change (Pascal VOC 2010 on; the model zoo's default).
    case everyPoint
    /// The mean of the precision envelope at recall 0, 0.1, ..., 1 (Pascal VOC 2007).
    case elevenPoint

    /// `precisions` and `recalls` after each detection, highest score first (recall never decreases);
    /// a longer array is cut to the shorter one's length.
    public func averagePrecision(precisions: [Double], recalls: [Double]) -> Double {
        let count = min(precisions.count, recalls.count)
        let precisions = Array(precisions.prefix(count))
        let recalls = Array(recalls.prefix(count))
        switch self {
        case .everyPoint: return Self.everyPointAP(precisions: precisions, recalls: recalls)
        case .elevenPoint: return Self.elevenPointAP(precisions: precisions, recalls: recalls)
        }
    }

    private static func everyPointAP(precisions: [Double], recalls: [Double]) -> Double {
        let recall = [0] + recalls + [1]
        var envelope = [0] + precisions + [0]
        for i in stride(from: envelope.count - 1, to: 0, by: -1) {
            envelope[i - 1] = max(envelope[i - 1], envelope[i])
        }
        var area = 0.0
        for i in 1..<recall.count where recall[i] != recall[i - 1] {
            area += (recall[i] - recall[i - 1]) * envelope[i]
        }
        return area
    }

    private static func elevenPointAP(precisions: [Double], recalls: [Double]) -> Double {
        var total = 0.0
        // From recall 1 down to 0, each point i * 0.1 as numpy.linspace(0, 1, 11) makes it (0.30000000000000004, ...).
        for step in stride(from: 10, through: 0, by: -1) {
            let level = Double(step) * 0.1
            if let first = recalls.firstIndex(where: { $0 >= level }) {
                total += precisions[first...].max() ?? 0
            }
        }
        return total / 11
    }
}
