import Testing
import TestSupport
@testable import Int8Kernels

/// The fixed-point helpers against their definitions, computed a different way: exact 64-bit
/// products with explicit quotient/remainder rounding.
@Suite struct FixedPointArithmeticTests {
    /// round(n / 2^k), ties away from zero, from quotient and remainder.
    static func divideRoundingAway(_ n: Int64, _ k: Int64) -> Int64 {
        let divisor = Int64(1) << k
        let quotient = n / divisor
        let remainder = n % divisor
        if 2 * remainder.magnitude >= UInt64(divisor) { return quotient + (n < 0 ? -1 : 1) }
        return quotient
    }

    /// floor(n / 2^k + 1/2): round to nearest, ties upward.
    static func divideRoundingUp(_ n: Int64, _ k: Int64) -> Int64 {
        let divisor = Int64(1) << k
        let shifted = n + divisor / 2
        return shifted >= 0 ? shifted / divisor : -((-shifted + divisor - 1) / divisor)
    }

    static let samples: [(Int32, Int32)] = {
        var random = DeterministicRandom(seed: 7)
        var values: [(Int32, Int32)] = [(Int32.min, Int32.min), (Int32.min, Int32.max), (0, 1 << 30), (-1, 1 << 30),
                                         (1, 1 << 30), (-3, 1 << 30), (3, 1 << 30), (Int32.max, Int32.max)]
        for _ in 0..<20000 {
            values.append((Int32(truncatingIfNeeded: random.next()), Int32(truncatingIfNeeded: random.next())))
        }
        return values
    }()

    @Test func doublingHighMulRoundsHalfUpAndSaturates() {
        for (a, b) in Self.samples {
            let expected = a == .min && b == .min ? Int64(Int32.max) : Self.divideRoundingUp(Int64(a) * Int64(b), 31)
            #expect(Int64(saturatingRoundingDoublingHighMul(a, b)) == expected, "a \(a) b \(b)")
        }
    }

    @Test func roundingDivideByPowerOfTwoRoundsHalfAwayFromZero() {
        for (a, _) in Self.samples {
            for exponent in [0, 1, 2, 7, 15, 30, 31] as [Int32] {
                #expect(Int64(roundingDivideByPowerOfTwo(a, exponent)) == Self.divideRoundingAway(Int64(a), Int64(exponent)))
            }
        }
    }

    @Test func tiesUpRequantizationRoundsTwiceUpward() {
        var random = DeterministicRandom(seed: 11)
        for _ in 0..<20000 {
            let x = Int32(truncatingIfNeeded: random.next()) >> Int32(random.next() % 20)
            let multiplier = Int32(1 << 30) + Int32(random.next() % (1 << 30))
            let shift = Int32(random.next() % 40) - 31
            let left = Int64(max(shift, 0)), right = Int64(max(-shift, 0))
            let shifted = Int64(Int32(truncatingIfNeeded: Int64(x) << left))
            let expected = Self.divideRoundingUp(Self.divideRoundingUp(shifted * Int64(multiplier), 31), right)
            #expect(Int64(multiplyByQuantizedMultiplierTiesUp(x, multiplier, shift)) == expected)
        }
    }

    @Test func requantizationsDifferOnlyOnNegativeTiesOfTheShift() {
        // The multiply rounds ties upward in both: 2^30 * 2^-31 = 0.5, and -3 * 0.5 = -1.5 -> -1.
        #expect(multiplyByQuantizedMultiplier(-3, 1 << 30, 0) == -1)
        #expect(multiplyByQuantizedMultiplierTiesUp(-3, 1 << 30, 0) == -1)
        #expect(multiplyByQuantizedMultiplier(3, 1 << 30, 0) == 2)
        #expect(multiplyByQuantizedMultiplierTiesUp(3, 1 << 30, 0) == 2)
        // The shift differs: -6 * 0.5 = -3, then -3 / 2^1 = -1.5 goes away from zero or upward.
        #expect(multiplyByQuantizedMultiplier(-6, 1 << 30, -1) == -2)
        #expect(multiplyByQuantizedMultiplierTiesUp(-6, 1 << 30, -1) == -1)
    }
}
