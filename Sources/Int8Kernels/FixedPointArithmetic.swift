// TFLite's fixed-point requantization, reproduced to the bit.
//
// A real multiplier M in (0, 2^31) is stored as `multiplier * 2^(shift - 31)` with
// `multiplier` in [2^30, 2^31) (see `QuantizedMultiplier` in Runtime).

/// `round(a * b / 2^31)` with ties upward, saturating the single overflow case
/// (gemmlowp's SaturatingRoundingDoublingHighMul).
@inline(__always)
public func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
    if a == Int32.min && b == Int32.min { return Int32.max }
    let product = Int64(a) &* Int64(b)
    let nudge: Int64 = product >= 0 ? (1 << 30) : (1 - (1 << 30))
    // C++ integer division truncates toward zero; so does Swift's.
    return Int32(truncatingIfNeeded: (product &+ nudge) / (1 << 31))
}

/// `round(x / 2^exponent)` with ties away from zero (gemmlowp's RoundingDivideByPOT).
@inline(__always)
public func roundingDivideByPowerOfTwo(_ x: Int32, _ exponent: Int32) -> Int32 {
    let mask: Int32 = (1 << exponent) &- 1
    let remainder = x & mask
    let threshold = (mask >> 1) &+ (x < 0 ? 1 : 0)
    return (x >> exponent) &+ (remainder > threshold ? 1 : 0)
}

/// TFLite's MultiplyByQuantizedMultiplier: two roundings, the second with ties away from zero.
///
/// Used where LiteRT's x86 kernels round this way: ADD, MEAN, and the scalar tails of QUANTIZE
/// (requantize) and of MEAN with kept dimensions.
@inline(__always)
public func multiplyByQuantizedMultiplier(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
    let leftShift = shift > 0 ? shift : 0
    let rightShift = shift > 0 ? 0 : -shift
    return roundingDivideByPowerOfTwo(
        saturatingRoundingDoublingHighMul(x &* (1 << leftShift), multiplier), rightShift)
}

/// The requantization LiteRT applies on x86 to int8 CONV_2D (ruy's AVX2 kernel) and
/// DEPTHWISE_CONV_2D: the same two steps as `multiplyByQuantizedMultiplier`, but both round ties
/// toward +infinity and the first does not saturate. LiteRT's NEON-derived paths on x86 round
/// the same way on their vector blocks.
@inline(__always)
public func multiplyByQuantizedMultiplierTiesUp(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
    let leftShift = shift > 0 ? shift : 0
    let rightShift = Int64(shift > 0 ? 0 : -shift)
    let shifted = Int64(x &<< leftShift)
    let high = (shifted &* Int64(multiplier) &+ (1 << 30)) >> 31
    guard rightShift > 0 else { return Int32(truncatingIfNeeded: high) }
    return Int32(truncatingIfNeeded: (high &+ (1 << (rightShift &- 1))) >> rightShift)
}
