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

    #if TINYSSD_AVX2
    /// The AVX2 one-rounding requantization against the scalar two roundings: random and extreme
    /// accumulators, any int32 multiplier, every shift from -31 to 31, with and without the
    /// general steps (skipping them only where `isGeneral` allows).
    @Test func vectorsMatchScalarRequantization() {
        var random = DeterministicRandom(seed: 2222)
        let edges: [Int32] = [.min, .min + 1, -1 << 30, -3, -1, 0, 1, 3, 1 << 30, .max - 1, .max]
        for round in 0..<40_000 {
            var accumulators = SIMD8<Int32>()
            var multipliers = [Int32](repeating: 0, count: 8)
            var shifts = [Int32](repeating: 0, count: 8)
            for lane in 0..<8 {
                accumulators[lane] = random.below(4) == 0 ? random.element(of: edges)
                    : Int32(truncatingIfNeeded: random.next()) >> Int32(random.below(31))
                multipliers[lane] = random.below(8) == 0 ? random.element(of: [0, 1 << 30, .max, .min, -1])
                    : round % 3 == 0 ? Int32(truncatingIfNeeded: random.next()) : Int32(1 << 30) + Int32(random.below(1 << 30))
                shifts[lane] = Int32(random.integer(in: -31...(round % 2 == 0 ? -1 : 31)))
            }
            let count = round % 5 == 0 ? random.integer(in: 1...8) : 8
            let vectors = RequantizationVectors(multipliers: multipliers, shifts: shifts, first: 0, count: count)
            #expect(vectors.isGeneral == shifts[0..<count].contains { $0 >= 0 })
            let general = unsafeBitCast(requantizeVectors(accumulators, vectors, general: true), to: SIMD8<Int32>.self)
            let rightOnly = unsafeBitCast(requantizeVectors(accumulators, vectors, general: false), to: SIMD8<Int32>.self)
            for lane in 0..<count {
                let expected = multiplyByQuantizedMultiplierTiesUp(accumulators[lane], multipliers[lane], shifts[lane])
                #expect(general[lane] == expected,
                        "x \(accumulators[lane]) multiplier \(multipliers[lane]) shift \(shifts[lane])")
                if !vectors.isGeneral {
                    #expect(rightOnly[lane] == expected,
                            "x \(accumulators[lane]) multiplier \(multipliers[lane]) shift \(shifts[lane])")
                }
            }
        }
    }

    /// Every right shift with the accumulators and multipliers where the one-rounding form could
    /// go wrong: sums next to int64's limits and ties on both sides of each rounding boundary.
    @Test func vectorsMatchAtRoundingBoundaries() {
        for shift: Int32 in -31...31 {
            let multipliers: [Int32] = [.min, -(1 << 30), 0, 1, 1 << 30, (1 << 30) + 1, .max - 1, .max]
            for multiplier in multipliers {
                var values: [Int32] = [.min, .min + 1, .max, .max - 1, 0, -1, 1]
                // Accumulators whose product lands on or next to a tie of either rounding.
                let tieBit = Int64(30 + max(-shift, 0))
                for k: Int64 in [1, 3, 5, 1 << 20, 12345] {
                    let targets: [Int64] = [k << 30, 0 &- (k << 30), k << tieBit, 0 &- (k << tieBit)]
                    for target in targets {
                        guard multiplier != 0 else { continue }
                        let x = target / Int64(multiplier)
                        guard x > -(1 << 31), x < 1 << 31 else { continue }
                        for d: Int64 in -1...1 { values.append(Int32(clamping: x + d)) }
                    }
                }
                for start in stride(from: 0, to: values.count, by: 8) {
                    var accumulators = SIMD8<Int32>()
                    for lane in 0..<8 { accumulators[lane] = values[min(start + lane, values.count - 1)] }
                    let m = [Int32](repeating: multiplier, count: 8), s = [Int32](repeating: shift, count: 8)
                    let vectors = RequantizationVectors(multipliers: m, shifts: s, first: 0, count: 8)
                    let result = unsafeBitCast(requantizeVectors(accumulators, vectors, general: vectors.isGeneral),
                                               to: SIMD8<Int32>.self)
                    for lane in 0..<8 {
                        let expected = multiplyByQuantizedMultiplierTiesUp(accumulators[lane], multiplier, shift)
                        #expect(result[lane] == expected, "x \(accumulators[lane]) multiplier \(multiplier) shift \(shift)")
                    }
                }
            }
        }
    }
    #endif
}
