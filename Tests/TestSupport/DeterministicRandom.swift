/// SplitMix64: a tiny deterministic generator so generated test data is the same everywhere.
public struct DeterministicRandom: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    // Our own mappings, not the standard library's `random(in:using:)`, whose algorithm may change.

    /// Uniform in `0..<bound` (bound > 0), up to a bias of bound / 2^64.
    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    public mutating func element<T>(of array: [T]) -> T { array[below(array.count)] }

    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    public mutating func unitFloat() -> Float {
        Float(next() >> 40) / Float(1 << 24)
    }

    public mutating func int8s(_ count: Int, in range: ClosedRange<Int> = -128...127) -> [Int8] {
        (0..<count).map { _ in Int8(integer(in: range)) }
    }

    public mutating func int32s(_ count: Int, in range: ClosedRange<Int>) -> [Int32] {
        (0..<count).map { _ in Int32(integer(in: range)) }
    }

    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    public mutating func floats(_ count: Int, in range: ClosedRange<Float>) -> [Float] {
        (0..<count).map { _ in range.lowerBound + unitFloat() * (range.upperBound - range.lowerBound) }
    }
}

/// FNV-1a, 64 bit: detects when a generated case no longer matches its recorded LiteRT output.
public func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}
