import Testing
import TestSupport
@testable import Int8Kernels

/// The eight-lane requantization against `multiplyByQuantizedMultiplierTiesUp` over the whole
/// int32 range, every shift QuantizedMultiplier can produce, and the extremes.
@Suite struct RequantizationLanesTests {
    @Test func lanesMatchScalarRequantization() {
        var random = DeterministicRandom(seed: 1111)
        let edges: [Int32] = [.min, .min + 1, -1 << 30, -3, -1, 0, 1, 3, 1 << 30, .max - 1, .max]
        for round in 0..<20_000 {
            var accumulators = SIMD8<Int32>()
            var multipliers = [Int32](repeating: 0, count: 8)
            var shifts = [Int32](repeating: 0, count: 8)
            for lane in 0..<8 {
                accumulators[lane] = random.below(4) == 0 ? random.element(of: edges)
                    : Int32(truncatingIfNeeded: random.next()) >> Int32(random.below(31))
                multipliers[lane] = random.below(8) == 0 ? random.element(of: [0, 1 << 30, Int32.max])
                    : Int32(1 << 30) + Int32(random.below(1 << 30))
                shifts[lane] = Int32(random.integer(in: -31...(round % 2 == 0 ? 0 : 31)))
            }
            let lanes = RequantizationLanes(multipliers: multipliers, shifts: shifts, first: 0, count: 8)
            let result = requantizeTiesUp(accumulators, lanes)
            for lane in 0..<8 {
                let expected = multiplyByQuantizedMultiplierTiesUp(accumulators[lane], multipliers[lane], shifts[lane])
                #expect(result[lane] == expected,
                        "x \(accumulators[lane]) multiplier \(multipliers[lane]) shift \(shifts[lane])")
            }
        }
    }
}
