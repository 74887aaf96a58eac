/// The SSD loss of a batch (or of some of its images) as Keras reports it: classification plus
/// localisation, each already divided by the number of positive anchors in the whole batch.
public struct SSDLossValue: Equatable, Sendable {
    public var classification: Double
    public var localization: Double
    /// Positive anchors of the images this value covers.
    public var positiveCount: Int

    public init(classification: Double = 0, localization: Double = 0, positiveCount: Int = 0) {
        self.classification = classification
        self.localization = localization
        self.positiveCount = positiveCount
    }

    /// The training loss: what Keras minimises and reports as `loss`.
    public var total: Double { classification + localization }

    /// Combines the values of disjoint image ranges of one batch.
    public static func + (left: SSDLossValue, right: SSDLossValue) -> SSDLossValue {
        SSDLossValue(classification: left.classification + right.classification,
                     localization: left.localization + right.localization,
                     positiveCount: left.positiveCount + right.positiveCount)
    }
}
