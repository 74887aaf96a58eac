#if TINYSSD_AVX2
import _Builtin_intrinsics.intel
#endif

/// Fast int8 ADD of two same-shape tensors, bit for bit `addInt8(count:...)`: eight values per
/// vector through the same three roundings. Computes `elements` (a sub-range, for threads).
/// `q`'s multipliers must be non-negative and its shifts at least -31, as `QuantizedMultiplier`
/// makes them; broadcasting ADDs keep using the reference kernel.
public func addInt8Fast(elements: Range<Int>, _ q: AdditionQuantization, a: UnsafePointer<Int8>,
                        b: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    #if TINYSSD_AVX2
    let lanesA = TiesAwayVectors(multiplier: q.multiplierA, shift: q.shiftA, prescale: q.leftShift)
    let lanesB = TiesAwayVectors(multiplier: q.multiplierB, shift: q.shiftB, prescale: q.leftShift)
    let lanesOutput = TiesAwayVectors(multiplier: q.outputMultiplier, shift: q.outputShift, prescale: 0)
    let offsetA = _mm256_set1_epi32(q.inputOffsetA), offsetB = _mm256_set1_epi32(q.inputOffsetB)
    let vectors = OutputVectors(OutputClamp(zeroPoint: q.outputZeroPoint, low: q.activationMin, high: q.activationMax))
    @_transparent
    func sum(_ i: Int) -> __m256i {
        let x = _mm256_add_epi32(widenedToInt32(a + i), offsetA)
        let y = _mm256_add_epi32(widenedToInt32(b + i), offsetB)
        return requantizeTiesAwayVectors(
            _mm256_add_epi32(requantizeTiesAwayVectors(x, lanesA), requantizeTiesAwayVectors(y, lanesB)), lanesOutput)
    }
    var i = elements.lowerBound
    while i &+ 32 <= elements.upperBound {
        storeVector(packToInt8(sum(i), sum(i &+ 8), sum(i &+ 16), sum(i &+ 24), vectors), to: output + i)
        i &+= 32
    }
    #else
    let lanesA = RequantizationLanes(multiplier: q.multiplierA, shift: q.shiftA)
    let lanesB = RequantizationLanes(multiplier: q.multiplierB, shift: q.shiftB)
    let lanesOutput = RequantizationLanes(multiplier: q.outputMultiplier, shift: q.outputShift)
    let scale = Int32(1) << q.leftShift
    let clamp = OutputClamp(zeroPoint: q.outputZeroPoint, low: q.activationMin, high: q.activationMax)
    var i = elements.lowerBound
    while i + 8 <= elements.upperBound {
        let x = widenToInt32(widenToInt16(loadVector(a + i, as: SIMD8<Int8>.self)))
        let y = widenToInt32(widenToInt16(loadVector(b + i, as: SIMD8<Int8>.self)))
        let scaledA = requantizeTiesAway((x &+ SIMD8(repeating: q.inputOffsetA)) &* SIMD8(repeating: scale), lanesA)
        let scaledB = requantizeTiesAway((y &+ SIMD8(repeating: q.inputOffsetB)) &* SIMD8(repeating: scale), lanesB)
        let sum = requantizeTiesAway(scaledA &+ scaledB, lanesOutput) &+ SIMD8(repeating: clamp.zeroPoint)
        storeVector(clampToInt8(sum, low: clamp.low, high: clamp.high), to: output + i)
        i += 8
    }
    #endif
    while i < elements.upperBound {
        output[i] = q.add(a[i], b[i])
        i += 1
    }
}
