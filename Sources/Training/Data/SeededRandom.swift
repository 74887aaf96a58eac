import Foundation

/// SplitMix64 with our own mappings to floats and ranges, so a seed gives the same dataset and the
/// same augmentations on every machine and every Swift version (the standard library's
/// `random(in:using:)` algorithms may change).
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one item of a larger run (an image, an epoch): its stream depends only on
    /// the seed and the path, never on which thread or in which order items are made.
    public init(seed: UInt64, path: UInt64...) {
        var mixed = Self.mix(seed)
        for component in path { mixed = Self.mix(mixed ^ Self.mix(component &+ 0x632B_E59B_D9B4_E019)) }
        state = mixed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 24 random bits.
    public mutating func unit() -> Float {
        Float(next() >> 40) * (1 / Float(1 << 24))
    }

    /// Uniform in `range` (both ends allowed up to rounding).
    public mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    /// Uniform in [lower, upper] on a log scale (both positive): small and large sizes equally often.
    public mutating func logUniform(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound * exp(unit() * log(range.upperBound / range.lowerBound))
    }

    /// Uniform in `0..<bound` (bound > 0), up to a bias of bound / 2^64.
    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `probability`.
    public mutating func chance(_ probability: Float) -> Bool {
        unit() < probability
    }

    /// The integers `0..<count` in a uniformly random order (Fisher-Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, below(i + 1)) }
        }
        return order
    }
}
