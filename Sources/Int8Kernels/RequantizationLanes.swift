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

/// Eight channels' requantization constants for the AVX2 path (`requantizeVectors`), which gets
/// `multiplyByQuantizedMultiplierTiesUp` in one rounding: with a right shift `s >= 1` the two
/// ties-up roundings `floor(floor((x*M + 2^30) / 2^31) / 2^s + 1/2)` equal
/// `floor((x*M + 2^30 + 2^(30+s)) / 2^(31+s))`, which is the high 32 bits of that 64-bit sum
/// shifted right by `s - 1`; with no right shift (`s == 0`, left shifts included) it is the high
/// 32 bits of twice `x*M + 2^30`. The sums fit in int64 for every int32 `x` and `M`.
public struct RequantizationVectors: Sendable {
    /// The multipliers of the even lanes sit where vpmuldq reads them (lanes 0, 2, 4, 6); `multiplierOdd`
    /// holds lane 2i+1's multiplier in lane 2i.
    var multiplier: SIMD8<Int32>
    var multiplierOdd: SIMD8<Int32>
    /// `2^30 + 2^(30+s)` (or `2^30` when `s == 0`) for lanes 0, 2, 4, 6 and for lanes 1, 3, 5, 7.
    var roundingEven: SIMD4<Int64>
    var roundingOdd: SIMD4<Int64>
    /// `max(s - 1, 0)`: the arithmetic shift after taking the high 32 bits.
    var rightShift: SIMD8<Int32>
    /// `max(shift, 0) & 31`: the wrapping `x &<< leftShift` of the reference.
    var leftShift: SIMD8<Int32>
    /// 1 where `s == 0`: the 64-bit sum is doubled before taking its high half.
    var doublingEven: SIMD4<Int64>
    var doublingOdd: SIMD4<Int64>
    /// Some lane has a left shift or no right shift, so `leftShift` and the doublings must be applied.
    var isGeneral: Bool

    /// Constants for `count` (at most 8) channels starting at `first`; unused lanes get multiplier 0
    /// and a right shift, so they never make the group general.
    init(multipliers: UnsafePointer<Int32>, shifts: UnsafePointer<Int32>, first: Int, count: Int) {
        var multiplier = SIMD8<Int32>(repeating: 0)
        var rounding = SIMD8<Int64>(repeating: (1 << 30) + (1 << 31))
        var rightShift = SIMD8<Int32>(repeating: 0)
        var leftShift = SIMD8<Int32>(repeating: 0)
        var doubling = SIMD8<Int64>(repeating: 0)
        isGeneral = false
        for lane in 0..<count {
            let shift = shifts[first + lane]
            let right = max(-shift, 0)
            multiplier[lane] = multipliers[first + lane]
            leftShift[lane] = max(shift, 0) & 31
            rightShift[lane] = max(right - 1, 0)
            rounding[lane] = right > 0 ? (1 << 30) + (1 << (30 + Int64(right))) : 1 << 30
            doubling[lane] = right > 0 ? 0 : 1
            if right == 0 { isGeneral = true }
        }
        self.multiplier = multiplier
        self.rightShift = rightShift
        self.leftShift = leftShift
        multiplierOdd = SIMD8(multiplier[1], 0, multiplier[3], 0, multiplier[5], 0, multiplier[7], 0)
        roundingEven = SIMD4(rounding[0], rounding[2], rounding[4], rounding[6])
        roundingOdd = SIMD4(rounding[1], rounding[3], rounding[5], rounding[7])
        doublingEven = SIMD4(doubling[0], doubling[2], doubling[4], doubling[6])
        doublingOdd = SIMD4(doubling[1], doubling[3], doubling[5], doubling[7])
    }
}

/// Picks at compile time whether kernels apply `RequantizationVectors`' left shifts and doublings,
/// so layers with only right shifts (all of the reference models') skip them.
protocol RequantizationMode {
    static var general: Bool { get }
}

enum RightShiftsOnly: RequantizationMode {
    static var general: Bool { false }
}

enum AnyShifts: RequantizationMode {
    static var general: Bool { true }
}
