/// The smallest and largest value a tensor took over the calibration samples (absolute, not
/// averaged: the TFLite converter's calibrator keeps the running min and max of every tensor).
public struct ValueRange: Equatable, Sendable, Codable {
    public var min: Float
    public var max: Float

    public init(min: Float, max: Float) {
        self.min = min
        self.max = max
    }

    /// The range of `values`; nil when one of them is NaN or infinite.
    public init?(of values: UnsafeBufferPointer<Float>) {
        var low = Float.infinity, high = -Float.infinity
        var finite = true
        for value in values {
            low = Swift.min(low, value)
            high = Swift.max(high, value)
            finite = finite && value.isFinite
        }
        guard finite, !values.isEmpty else { return nil }
        self.init(min: low, max: high)
    }

    /// The smallest range holding both.
    public func union(_ other: ValueRange) -> ValueRange {
        ValueRange(min: Swift.min(min, other.min), max: Swift.max(max, other.max))
    }
}
