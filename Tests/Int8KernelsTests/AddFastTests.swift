import Testing
#if TINYSSD_AVX2
import _Builtin_intrinsics.intel
#endif
import TestSupport
@testable import Int8Kernels

/// `addInt8Fast` against `addInt8(count:...)` with parameters as the runtime derives them.
@Suite struct AddFastTests {
    @Test func matchesReference() {
        var random = DeterministicRandom(seed: 1212)
        for _ in 0..<300 {
            let count = random.integer(in: 1...200)
            let a = random.int8s(count)
            let b = random.int8s(count)
            let low = random.below(3) == 0 ? Int32(random.integer(in: -128...0)) : -128
            let q = AdditionQuantization(
                inputOffsetA: Int32(random.integer(in: -127...128)), inputOffsetB: Int32(random.integer(in: -127...128)),
                leftShift: 20, multiplierA: Int32(1 << 30) + Int32(random.below(1 << 30)),
                shiftA: Int32(random.integer(in: -12...0)), multiplierB: Int32(1 << 30) + Int32(random.below(1 << 30)),
                shiftB: Int32(random.integer(in: -12...0)),
                outputMultiplier: random.below(10) == 0 ? 0 : Int32(1 << 30) + Int32(random.below(1 << 30)),
                outputShift: Int32(random.integer(in: -31...2)), outputZeroPoint: Int32(random.integer(in: -128...127)),
                activationMin: low, activationMax: random.below(3) == 0 ? Int32(random.integer(in: Int(low)...127)) : 127)
            var expected = [Int8](repeating: 0, count: count)
            addInt8(count: count, q, a: a, b: b, output: &expected)
            var actual = [Int8](repeating: 0, count: count)
            let cut = random.integer(in: 0...count)
            addInt8Fast(elements: 0..<cut, q, a: a, b: b, output: &actual)
            addInt8Fast(elements: cut..<count, q, a: a, b: b, output: &actual)
            #expect(actual == expected, "\(q) cut \(cut)")
        }
    }

    /// The shift's rounding away from zero is where ADD differs from the convolutions.
    @Test func lanesMatchScalarRoundingAwayFromZero() {
        var random = DeterministicRandom(seed: 1313)
        for _ in 0..<20_000 {
            var values = SIMD8<Int32>()
            for lane in 0..<8 { values[lane] = Int32(truncatingIfNeeded: random.next()) >> Int32(random.below(31)) }
            let multiplier = random.below(8) == 0 ? 0 : Int32(1 << 30) + Int32(random.below(1 << 30))
            let shift = Int32(random.integer(in: -31...3))
            let result = requantizeTiesAway(values, RequantizationLanes(multiplier: multiplier, shift: shift))
            for lane in 0..<8 {
                #expect(result[lane] == multiplyByQuantizedMultiplier(values[lane], multiplier, shift))
            }
        }
    }

    #if TINYSSD_AVX2
    /// The AVX2 lanes, with the input prescale folded into the left shift.
    @Test func vectorsMatchScalarRoundingAwayFromZero() {
        var random = DeterministicRandom(seed: 1818)
        let edges: [Int32] = [.min, .min + 1, -1 << 30, -3, -1, 0, 1, 3, 1 << 30, .max - 1, .max]
        for _ in 0..<20_000 {
            var values = SIMD8<Int32>()
            for lane in 0..<8 {
                values[lane] = random.below(6) == 0 ? random.element(of: edges)
                    : Int32(truncatingIfNeeded: random.next()) >> Int32(random.below(31))
            }
            let multiplier = random.below(8) == 0 ? random.element(of: [0, 1 << 30, .max])
                : Int32(1 << 30) + Int32(random.below(1 << 30))
            let shift = Int32(random.integer(in: -31...3))
            let prescale: Int32 = random.element(of: [0, 0, 20, 31, 32])
            let lanes = TiesAwayVectors(multiplier: multiplier, shift: shift, prescale: prescale)
            let result = unsafeBitCast(requantizeTiesAwayVectors(unsafeBitCast(values, to: __m256i.self), lanes),
                                       to: SIMD8<Int32>.self)
            for lane in 0..<8 {
                let scaled = values[lane] &* (Int32(1) << prescale)
                #expect(result[lane] == multiplyByQuantizedMultiplier(scaled, multiplier, shift),
                        "x \(values[lane]) multiplier \(multiplier) shift \(shift) prescale \(prescale)")
            }
        }
    }
    #endif
}
