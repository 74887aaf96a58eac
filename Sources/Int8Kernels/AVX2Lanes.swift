// AVX2 intrinsics for the steps LLVM does not find on its own from lane loops: the one-rounding
// requantization (vpmuldq, vpsravd) and saturating packs of requantized lanes to int8 (vpackss,
// vpermd). Only x86-64-v3 builds define TINYSSD_AVX2; other targets use the portable lane code.
#if TINYSSD_AVX2
import _Builtin_intrinsics.intel

/// `multiplyByQuantizedMultiplierTiesUp` on eight lanes, bit for bit, as `RequantizationVectors`
/// describes; `general` must be true when `r.isGeneral` is.
@_transparent
func requantizeVectors(_ accumulators: SIMD8<Int32>, _ r: RequantizationVectors, general: Bool) -> __m256i {
    var x = unsafeBitCast(accumulators, to: __m256i.self)
    if general { x = _mm256_sllv_epi32(x, unsafeBitCast(r.leftShift, to: __m256i.self)) }
    let xOdd = _mm256_srli_epi64(x, 32)
    var even = _mm256_add_epi64(_mm256_mul_epi32(x, unsafeBitCast(r.multiplier, to: __m256i.self)), r.roundingEven)
    var odd = _mm256_add_epi64(_mm256_mul_epi32(xOdd, unsafeBitCast(r.multiplierOdd, to: __m256i.self)), r.roundingOdd)
    if general {
        even = _mm256_sllv_epi64(even, r.doublingEven)
        odd = _mm256_sllv_epi64(odd, r.doublingOdd)
    }
    let e = unsafeBitCast(even, to: SIMD8<Int32>.self)
    let o = unsafeBitCast(odd, to: SIMD8<Int32>.self)
    let high = SIMD8(e[1], o[1], e[3], o[3], e[5], o[5], e[7], o[7])
    return _mm256_srav_epi32(unsafeBitCast(high, to: __m256i.self), unsafeBitCast(r.rightShift, to: __m256i.self))
}

/// One multiplier and shift in every lane for `requantizeTiesAwayVectors`, with a power-of-two
/// prescale folded into the left shift.
struct TiesAwayVectors {
    var multiplier: __m256i
    /// Bits of the left shift by `2^prescale * 2^max(shift, 0)` (wrapping), 32 when that factor wraps to 0.
    var leftShift: Int32
    var rightShift: Int32
    /// `2^rightShift - 1` and half of it: the remainder and its rounding threshold.
    var mask: __m256i
    var halfMask: __m256i

    /// `multiplier` must be non-negative and `shift` at least -31, as `QuantizedMultiplier` makes them.
    init(multiplier: Int32, shift: Int32, prescale: Int32) {
        self.multiplier = _mm256_set1_epi32(multiplier)
        // The reference multiplies by `1 << prescale`, then by `1 << leftShift`, wrapping in int32.
        let factor = (Int32(1) << prescale) &* (Int32(1) << max(shift, 0))
        leftShift = factor == 0 ? 32 : Int32(factor.trailingZeroBitCount)
        rightShift = max(-shift, 0)
        let maskValue = (Int32(1) << rightShift) &- 1
        mask = _mm256_set1_epi32(maskValue)
        halfMask = _mm256_set1_epi32(maskValue >> 1)
    }
}

/// `multiplyByQuantizedMultiplier` (the shift rounds ties away from zero) on eight lanes, bit for
/// bit, for a non-negative multiplier: the doubling high multiply then never saturates and is
/// the high 32 bits of twice `x*M + 2^30`.
@_transparent
func requantizeTiesAwayVectors(_ values: __m256i, _ c: TiesAwayVectors) -> __m256i {
    let x = _mm256_slli_epi32(values, c.leftShift)
    let rounding = _mm256_set1_epi64x(1 << 30)
    var even = _mm256_add_epi64(_mm256_mul_epi32(x, c.multiplier), rounding)
    var odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), c.multiplier), rounding)
    even = _mm256_add_epi64(even, even)
    odd = _mm256_add_epi64(odd, odd)
    let e = unsafeBitCast(even, to: SIMD8<Int32>.self)
    let o = unsafeBitCast(odd, to: SIMD8<Int32>.self)
    let high = unsafeBitCast(SIMD8(e[1], o[1], e[3], o[3], e[5], o[5], e[7], o[7]), to: __m256i.self)
    let remainder = _mm256_and_si256(high, c.mask)
    // Negative values round up from one more: the threshold is half the mask plus 1.
    let threshold = _mm256_sub_epi32(c.halfMask, _mm256_srai_epi32(high, 31))
    return _mm256_sub_epi32(_mm256_srai_epi32(high, c.rightShift), _mm256_cmpgt_epi32(remainder, threshold))
}

/// 8 int8 values at `pointer` sign-extended to int32 (vpmovsxbd).
@_transparent
func widenedToInt32(_ pointer: UnsafePointer<Int8>) -> __m256i {
    _mm256_cvtepi8_epi32(SIMD2<Int64>(UnsafeRawPointer(pointer).loadUnaligned(as: Int64.self), 0))
}

/// The output zero point in int16 lanes and the activation range in int8 lanes.
struct OutputVectors {
    var zeroPoint: __m256i
    var low: __m256i
    var high: __m256i

    @_transparent
    init(_ clamp: OutputClamp) {
        zeroPoint = _mm256_set1_epi16(Int16(truncatingIfNeeded: clamp.zeroPoint))
        low = _mm256_set1_epi8(Int8(truncatingIfNeeded: clamp.low))
        high = _mm256_set1_epi8(Int8(truncatingIfNeeded: clamp.high))
    }
}

/// Four vectors of requantized lanes as 32 int8 outputs: `a`'s 8 lanes, then `b`'s, `c`'s, `d`'s,
/// each plus the zero point and clamped. Exact: saturating to int16 before adding the zero point
/// (saturating) and to int8 after only moves values that the int8 clamp moves anyway.
@_transparent
func packToInt8(_ a: __m256i, _ b: __m256i, _ c: __m256i, _ d: __m256i, _ o: OutputVectors) -> __m256i {
    let ab = _mm256_adds_epi16(_mm256_packs_epi32(a, b), o.zeroPoint)
    let cd = _mm256_adds_epi16(_mm256_packs_epi32(c, d), o.zeroPoint)
    // The packs work within 128-bit halves; this puts each source's 8 bytes back together.
    let bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(ab, cd), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7))
    return _mm256_min_epi8(_mm256_max_epi8(bytes, o.low), o.high)
}

/// 16 int8 values at `pointer` sign-extended to int16 (vpmovsxbw).
@_transparent
func widenedInputs(_ pointer: UnsafePointer<Int8>) -> __m256i {
    _mm256_cvtepi8_epi16(unsafeBitCast(loadVector(pointer, as: SIMD16<Int8>.self), to: __m128i.self))
}

/// 16 int16 lanes (zero point added) as clamped int8 values in the same order.
@_transparent
func packWordsToInt8(_ words: __m256i, _ o: OutputVectors) -> SIMD16<Int8> {
    let halves = unsafeBitCast(words, to: SIMD16<Int16>.self)
    let bytes = _mm_packs_epi16(unsafeBitCast(halves.lowHalf, to: __m128i.self), unsafeBitCast(halves.highHalf, to: __m128i.self))
    let clamped = _mm_min_epi8(_mm_max_epi8(bytes, _mm256_castsi256_si128(o.low)), _mm256_castsi256_si128(o.high))
    return unsafeBitCast(clamped, to: SIMD16<Int8>.self)
}

/// Two sets of 16 int16 lanes (zero point added) as 32 clamped int8 values, `first`'s then `second`'s.
@_transparent
func packWordPairToInt8(_ first: __m256i, _ second: __m256i, _ o: OutputVectors) -> __m256i {
    // The pack interleaves the sources' 128-bit halves; the permutation undoes that.
    let bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(first, second), _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7))
    return _mm256_min_epi8(_mm256_max_epi8(bytes, o.low), o.high)
}

/// Stores 16-byte rows `0..<rows` of `v` (row `i` is bytes `16i..<16i+16`) `stride` bytes apart,
/// each cut to its first `count` bytes.
@_transparent
func storeRows16(_ v: __m256i, row: Int, rows: Int, count: Int, to output: UnsafeMutablePointer<Int8>, stride: Int) {
    let bytes = unsafeBitCast(v, to: SIMD32<Int8>.self)
    if count == 16 {
        if row < rows { storeVector(bytes.lowHalf, to: output + row &* stride) }
        if row &+ 1 < rows { storeVector(bytes.highHalf, to: output + (row &+ 1) &* stride) }
        return
    }
    // Copied through memory: short rows are rare (the last channels of a layer).
    withUnsafeBytes(of: bytes) { raw in
        for i in 0..<2 where row &+ i < rows {
            (output + (row &+ i) &* stride).update(from: raw.baseAddress!.assumingMemoryBound(to: Int8.self) + 16 &* i,
                                                   count: count)
        }
    }
}

/// Stores 8-byte rows `0..<rows` of `v` (at most 4) `stride` bytes apart, each cut to `count` bytes.
@_transparent
func storeRows8(_ v: __m256i, rows: Int, count: Int, to output: UnsafeMutablePointer<Int8>, stride: Int) {
    if count == 8 {
        if rows == 4 && stride == 8 { return storeVector(v, to: output) }
        for i in 0..<rows { UnsafeMutableRawPointer(output + i &* stride).storeBytes(of: v[i], as: Int64.self) }
        return
    }
    withUnsafeBytes(of: v) { raw in
        for i in 0..<rows {
            (output + i &* stride).update(from: raw.baseAddress!.assumingMemoryBound(to: Int8.self) + 8 &* i, count: count)
        }
    }
}
#endif
