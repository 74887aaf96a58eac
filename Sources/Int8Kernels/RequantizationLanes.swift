/// Eight channels' requantization constants, laid out so `multiplyByQuantizedMultiplierTiesUp`
/// runs on all eight lanes at once with no branches.
///
/// Shifts must be at least -31, as TFLite's QuantizeMultiplier (`QuantizedMultiplier`) makes them.
public struct RequantizationLanes: Sendable {
    /// `1 << max(shift, 0)`: multiplying by it wraps exactly like the reference's `x &<< leftShift`.
    var leftFactor: SIMD8<Int32>
    var multiplier: SIMD8<Int32>
    /// `max(-shift, 0)`.
    var rightShift: SIMD8<Int32>
    /// `max(-shift - 1, 0)`: selects the bit that decides rounding upward.
    var roundingShift: SIMD8<Int32>
    /// 1 where `rightShift > 0`, else 0 (no second rounding).
    var roundingMask: SIMD8<Int32>

    /// Lanes for `count` (at most 8) channels starting at `first`; unused lanes get multiplier 0.
    init(multipliers: UnsafePointer<Int32>, shifts: UnsafePointer<Int32>, first: Int, count: Int) {
        leftFactor = SIMD8(repeating: 1)
        multiplier = SIMD8(repeating: 0)
        rightShift = SIMD8(repeating: 0)
        roundingShift = SIMD8(repeating: 0)
        roundingMask = SIMD8(repeating: 0)
        for lane in 0..<count {
            set(lane: lane, multiplier: multipliers[first + lane], shift: shifts[first + lane])
        }
    }

    /// The same multiplier and shift in all eight lanes.
    init(multiplier m: Int32, shift: Int32) {
        leftFactor = SIMD8(repeating: 1)
        multiplier = SIMD8(repeating: 0)
        rightShift = SIMD8(repeating: 0)
        roundingShift = SIMD8(repeating: 0)
        roundingMask = SIMD8(repeating: 0)
        for lane in 0..<8 { set(lane: lane, multiplier: m, shift: shift) }
    }

    /// Gives lane `lane` the constants of `other`'s lane `source`.
    mutating func copyLane(_ lane: Int, from other: RequantizationLanes, lane source: Int) {
        leftFactor[lane] = other.leftFactor[source]
        multiplier[lane] = other.multiplier[source]
        rightShift[lane] = other.rightShift[source]
        roundingShift[lane] = other.roundingShift[source]
        roundingMask[lane] = other.roundingMask[source]
    }

    private mutating func set(lane: Int, multiplier m: Int32, shift: Int32) {
        let left = max(shift, 0)
        let right = max(-shift, 0)
        leftFactor[lane] = 1 &<< left
        multiplier[lane] = m
        rightShift[lane] = right
        roundingShift[lane] = max(right - 1, 0)
        roundingMask[lane] = right > 0 ? 1 : 0
    }
}

/// `multiplyByQuantizedMultiplierTiesUp` on eight lanes, bit for bit.
///
/// The first rounding's result always fits in int32, so the 64-bit product only has to supply
/// bits 31...62; the second rounding `floor(h / 2^r + 1/2)` is `(h >> r) + bit (r - 1) of h`,
/// which cannot overflow as `h + 2^(r-1)` could.
@_transparent
func requantizeTiesUp(_ accumulators: SIMD8<Int32>, _ lanes: RequantizationLanes) -> SIMD8<Int32> {
    let shifted = accumulators &* lanes.leftFactor
    var high = SIMD8<Int32>()
    for i in 0..<8 {
        let product = Int64(shifted[i]) &* Int64(lanes.multiplier[i]) &+ (1 << 30)
        high[i] = Int32(truncatingIfNeeded: product &>> 31)
    }
    var result = SIMD8<Int32>()
    for i in 0..<8 {
        result[i] = (high[i] &>> lanes.rightShift[i]) &+ ((high[i] &>> lanes.roundingShift[i]) & lanes.roundingMask[i])
    }
    return result
}

/// `multiplyByQuantizedMultiplier` (the shift rounds ties away from zero) on eight lanes, bit for
/// bit when multipliers are non-negative, as `QuantizedMultiplier` makes them: the doubling high
/// multiply then never saturates and equals the ties-up first step.
@_transparent
func requantizeTiesAway(_ values: SIMD8<Int32>, _ lanes: RequantizationLanes) -> SIMD8<Int32> {
    let shifted = values &* lanes.leftFactor
    var result = SIMD8<Int32>()
    for i in 0..<8 {
        let product = Int64(shifted[i]) &* Int64(lanes.multiplier[i]) &+ (1 << 30)
        let high = Int32(truncatingIfNeeded: product &>> 31)
        let mask = (1 &<< lanes.rightShift[i]) &- 1
        let threshold = (mask &>> 1) &- (high &>> 31)
        result[i] = (high &>> lanes.rightShift[i]) &+ ((high & mask) > threshold ? 1 : 0)
    }
    return result
}
