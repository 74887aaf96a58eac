/// The smallest and largest value a tensor took over the calibration samples (absolute, not
/// averaged: the TFLite converter's calibrator keeps the running min and max of every tensor).
public struct ValueRange: Equatable, Sendable, Codable {
    public var min: Float
    public var max: Float

    public init(min: Float, max: Float) {
        self.min = min
        self.max = max
    }

    /// The range of `values`; nil when one of them is NaN or infinite, or there are none.
    public init?(of values: UnsafeBufferPointer<Float>) {
        var low = Float.infinity, high = -Float.infinity
        guard !values.isEmpty, Self.extend(low: &low, high: &high, over: values) else { return nil }
        self.init(min: low, max: high)
    }

    /// Widens `low`...`high` to hold `values`; false (and nothing changed) when one of them is NaN
    /// or infinite. Sixteen lanes at a time: `x * 0` is 0 for every finite x and NaN otherwise, so
    /// one sum tells.
    static func extend(low: inout Float, high: inout Float, over values: UnsafeBufferPointer<Float>) -> Bool {
        guard let base = values.baseAddress else { return true }
        let count = values.count, blocks = count / 16
        var lanesLow = SIMD16<Float>(repeating: low), lanesHigh = SIMD16<Float>(repeating: high)
        var poison = SIMD16<Float>(repeating: 0)
        let raw = UnsafeRawPointer(base)
        for block in 0..<blocks {
            let x = raw.loadUnaligned(fromByteOffset: block * 64, as: SIMD16<Float>.self)
            // Compare and blend (vcmpps + vblendvps); the generic pointwiseMin is scalar.
            lanesLow.replace(with: x, where: x .< lanesLow)
            lanesHigh.replace(with: x, where: x .> lanesHigh)
            poison += x * 0
        }
        var l = lanesLow.min(), h = lanesHigh.max(), p = poison.sum()
        for i in (blocks * 16)..<count {
            l = Swift.min(l, base[i])
            h = Swift.max(h, base[i])
            p += base[i] * 0
        }
        guard p == 0 else { return false }
        low = l
        high = h
        return true
    }

    /// The smallest range holding both.
    public func union(_ other: ValueRange) -> ValueRange {
        ValueRange(min: Swift.min(min, other.min), max: Swift.max(max, other.max))
    }
}
