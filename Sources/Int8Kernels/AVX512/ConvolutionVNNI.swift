#if TINYSSD_AVX512
import _Builtin_intrinsics.intel
import Int8Kernels

/// `convolutionInt8Fast` for a `PackedConvolutionVNNI`: bit for bit `convolutionInt8Reference`,
/// any filter size, stride, dilation and padding. Each output row reads its input rows converted
/// to `x + 128` bytes with the padding around them (unpadded 1x1 stride-1 convolutions convert
/// runs of pixels); blocks of 8 pixels x 16 output channels accumulate with vpdpbusd.
///
/// Computes output rows `rows` of `0..<batches * outputHeight`; any split gives the same bytes.
/// `scratch` must hold `packed.scratchByteCount` bytes and not be shared between running calls.
/// Call only when `avx512VNNIAvailable`.
public func convolutionInt8VNNI(_ packed: PackedConvolutionVNNI, input: UnsafePointer<Int8>,
                                output: UnsafeMutablePointer<Int8>, rows: Range<Int>, scratch: UnsafeMutableRawPointer) {
    let g = packed.geometry
    if packed.isPointwise {
        let first = rows.lowerBound * g.outputWidth
        return convolutionPointwiseInt8VNNI(packed, pixelCount: rows.count * g.outputWidth,
                                            input: input + first * g.inputChannels,
                                            output: output + first * g.outputChannels, scratch: scratch)
    }
    let converted = scratch.assumingMemoryBound(to: UInt8.self)
    let pixelBytes = g.strideWidth * g.inputChannels
    packed.weights.withUnsafeBufferPointer { weights in
        packed.constants.withUnsafeBufferPointer { constants in
            let kernel = VNNIBlocks(packed: packed, weights: weights.baseAddress!, constants: constants.baseAddress!,
                                    rowBytes: packed.rowStride, segmentBytes: g.dilationWidth * g.inputChannels,
                                    filterRows: g.filterHeight)
            for row in rows {
                convertInputRows(g, width: g.paddedInputWidth, rowStride: packed.rowStride, paddingByte: packed.paddingByte,
                                 row: row, input: input, to: converted)
                var x = 0
                while x < g.outputWidth {
                    let count = min(kernel.tilePixels, g.outputWidth &- x)
                    kernel.run(base: UnsafeRawPointer(converted) + x &* pixelBytes, pixelBytes: pixelBytes, count: count,
                               output: output + (row &* g.outputWidth &+ x) &* g.outputChannels)
                    x &+= kernel.tilePixels
                }
            }
        }
    }
}

/// `convolutionPointwiseInt8Fast` for a pointwise `PackedConvolutionVNNI`: `pixelCount`
/// consecutive pixels from `input` to `output`.
public func convolutionPointwiseInt8VNNI(_ packed: PackedConvolutionVNNI, pixelCount: Int, input: UnsafePointer<Int8>,
                                         output: UnsafeMutablePointer<Int8>, scratch: UnsafeMutableRawPointer) {
    let channels = packed.geometry.inputChannels
    let outputChannels = packed.geometry.outputChannels
    let converted = scratch.assumingMemoryBound(to: UInt8.self)
    packed.weights.withUnsafeBufferPointer { weights in
        packed.constants.withUnsafeBufferPointer { constants in
            let kernel = VNNIBlocks(packed: packed, weights: weights.baseAddress!, constants: constants.baseAddress!,
                                    rowBytes: 0, segmentBytes: 0, filterRows: 1)
            var pixel = 0
            while pixel < pixelCount {
                let chunk = min(packed.pointwiseChunk, pixelCount &- pixel)
                convertToUnsigned(input + pixel &* channels, count: chunk &* channels, to: converted)
                var x = 0
                while x < chunk {
                    kernel.run(base: UnsafeRawPointer(converted) + x &* channels, pixelBytes: channels,
                               count: min(kernel.tilePixels, chunk &- x), output: output + (pixel &+ x) &* outputChannels)
                    x &+= kernel.tilePixels
                }
                pixel &+= chunk
            }
        }
    }
}

/// `count` int8 values as `x + 128` bytes, 64 at a time (the last block masked).
@inline(__always)
func convertToUnsigned(_ source: UnsafePointer<Int8>, count: Int, to destination: UnsafeMutablePointer<UInt8>) {
    let flip = _mm512_set1_epi8(-128)
    var i = 0
    while i &+ 64 <= count {
        storeBytes(_mm512_xor_si512(UnsafeRawPointer(source + i).loadUnaligned(as: __m512i.self), flip), destination + i)
        i &+= 64
    }
    if i < count {
        let mask: UInt64 = (1 << UInt64(count &- i)) &- 1
        _mm512_mask_storeu_epi8(destination + i, mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, source + i), flip))
    }
}

@_transparent
func storeBytes(_ v: __m512i, _ destination: UnsafeMutablePointer<UInt8>) {
    UnsafeMutableRawPointer(destination).storeBytes(of: v, as: __m512i.self)
}

@_transparent
func storeVector(_ v: __m512i, to destination: UnsafeMutablePointer<Int8>) {
    UnsafeMutableRawPointer(destination).storeBytes(of: v, as: __m512i.self)
}

/// Writes the input rows output row `row` (batch-major) reads, one per filter row, as `x + 128`
/// bytes framed by padding bytes (the input zero point plus 128), as `widenInputRows` does in int16.
/// Each row is `width` pixels from column `firstColumn` of the padded input, `rowStride` bytes apart.
@inline(__always)
func convertInputRows(_ g: ConvolutionGeometry, firstColumn: Int = 0, width: Int, rowStride: Int, paddingByte: UInt8,
                      row: Int, input: UnsafePointer<Int8>, to rows: UnsafeMutablePointer<UInt8>) {
    let channels = g.inputChannels
    let first = firstColumn - g.padLeft
    let leftColumns = min(max(-first, 0), width)
    let insideColumns = max(min(g.inputWidth - max(first, 0), width - leftColumns), 0)
    let batch = row / g.outputHeight
    let top = (row % g.outputHeight) * g.strideHeight - g.padTop
    for fy in 0..<g.filterHeight {
        let destination = rows + fy * rowStride
        let iy = top + fy * g.dilationHeight
        guard iy >= 0 && iy < g.inputHeight else {
            destination.update(repeating: paddingByte, count: width * channels)
            continue
        }
        destination.update(repeating: paddingByte, count: leftColumns * channels)
        let start = ((batch * g.inputHeight + iy) * g.inputWidth + max(first, 0)) * channels
        convertToUnsigned(input + start, count: insideColumns * channels, to: destination + leftColumns * channels)
        (destination + (leftColumns + insideColumns) * channels)
            .update(repeating: paddingByte, count: (width - leftColumns - insideColumns) * channels)
    }
}

/// The packed constants of one call, unpacked into pointers, and the layout of the converted rows.
struct VNNIBlocks {
    let packed: PackedConvolutionVNNI
    let weights: UnsafePointer<SIMD64<Int8>>
    let constants: UnsafePointer<VNNIBlockConstants>
    /// Bytes from one filter row's converted input to the next, and from one tap's segment to
    /// the next within a row.
    let rowBytes: Int
    let segmentBytes: Int
    let filterRows: Int

    var tilePixels: Int { packed.tilePixels }

    /// All output channels of `count` (1...tilePixels) pixels starting at `base`, `pixelBytes` apart.
    @inline(__always)
    func run(base: UnsafeRawPointer, pixelBytes: Int, count: Int, output: UnsafeMutablePointer<Int8>) {
        // A short tile repeats its last pixel; the repeats are not stored.
        var first = SIMD8<Int>(), second = SIMD8<Int>()
        let step = packed.pairsPixels ? 2 : 1
        for i in 0..<8 {
            first[i] = min(step &* i, count &- 1) &* pixelBytes
            second[i] = min(step &* i &+ 1, count &- 1) &* pixelBytes
        }
        let pixels = EightPixels(base, first)
        let quads = packed.segmentQuads
        let outputChannels = packed.geometry.outputChannels
        let out = OutputLanes(packed)
        var w = weights
        if packed.pairsPixels {
            var accumulators = NarrowAccumulators(bias: constants.pointee.bias)
            let partners = EightPixels(base, second)
            var rowBase = pixels, partnerRowBase = partners
            for _ in 0..<filterRows {
                var segment = rowBase, partnerSegment = partnerRowBase
                for _ in 0..<packed.segmentsPerFilterRow {
                    accumulators.accumulate(segment, partnerSegment, quads: quads, weights: w)
                    w += quads
                    segment = segment.advanced(by: segmentBytes)
                    partnerSegment = partnerSegment.advanced(by: segmentBytes)
                }
                rowBase = rowBase.advanced(by: rowBytes)
                partnerRowBase = partnerRowBase.advanced(by: rowBytes)
            }
            accumulators.store(constants, packed, out, count: count, channels: outputChannels, to: output)
            return
        }
        for block in 0..<packed.blocks {
            let c = constants + block
            var accumulators = EightAccumulators(bias: unsafeBitCast(c.pointee.bias, to: __m512i.self))
            var rowBase = pixels
            for _ in 0..<filterRows {
                var segment = rowBase
                for _ in 0..<packed.segmentsPerFilterRow {
                    accumulators.accumulate(segment, quads: quads, weights: w)
                    w += quads
                    segment = segment.advanced(by: segmentBytes)
                }
                rowBase = rowBase.advanced(by: rowBytes)
            }
            accumulators.requantized(c, leftShift: packed.hasLeftShift)
                .store(out, count: count, channels: min(16, outputChannels &- 16 &* block), to: output + 16 &* block,
                       stride: outputChannels)
        }
    }
}

/// 16 pixels x up to 8 output channels in 256-bit vectors (vpdpbusd on ymm runs at twice the
/// zmm rate, so nothing is lost to the empty half, and no broadcast has to cross 256 bits).
struct NarrowAccumulators {
    var a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7: __m256i

    @_transparent
    init(bias: SIMD16<Int32>) {
        let lanes = low256(bias)
        (a0, a1, a2, a3, a4, a5, a6, a7) = (lanes, lanes, lanes, lanes, lanes, lanes, lanes, lanes)
        (b0, b1, b2, b3, b4, b5, b6, b7) = (lanes, lanes, lanes, lanes, lanes, lanes, lanes, lanes)
    }

    /// Adds `quads` groups of 4 input bytes of the 16 pixels (`p`: even, `r`: odd) times the next
    /// weights, whose lanes 0-7 hold the channels.
    @inline(__always)
    mutating func accumulate(_ p: EightPixels, _ r: EightPixels, quads count: Int, weights: UnsafePointer<SIMD64<Int8>>) {
        var q = 0
        while q < count {
            let w = UnsafeRawPointer(weights + q).loadUnaligned(as: __m256i.self)
            let offset = 4 &* q
            @_transparent
            func dot(_ sum: __m256i, _ pixel: UnsafeRawPointer) -> __m256i {
                _mm256_mask_dpbusd_epi32(sum, 0xFF, _mm256_set1_epi32(pixel.loadUnaligned(fromByteOffset: offset, as: Int32.self)), w)
            }
            a0 = dot(a0, p.p0)
            b0 = dot(b0, r.p0)
            a1 = dot(a1, p.p1)
            b1 = dot(b1, r.p1)
            a2 = dot(a2, p.p2)
            b2 = dot(b2, r.p2)
            a3 = dot(a3, p.p3)
            b3 = dot(b3, r.p3)
            a4 = dot(a4, p.p4)
            b4 = dot(b4, r.p4)
            a5 = dot(a5, p.p5)
            b5 = dot(b5, r.p5)
            a6 = dot(a6, p.p6)
            b6 = dot(b6, r.p6)
            a7 = dot(a7, p.p7)
            b7 = dot(b7, r.p7)
            q &+= 1
        }
    }

    /// Requantizes and stores the first `count` pixels' `channels` (1...8), `channels` apart.
    @inline(__always)
    func store(_ c: UnsafePointer<VNNIBlockConstants>, _ packed: PackedConvolutionVNNI, _ out: OutputLanes, count: Int,
               channels: Int, to output: UnsafeMutablePointer<Int8>) {
        let left = packed.hasLeftShift
        @_transparent
        func four(_ w: __m256i, _ x: __m256i, _ y: __m256i, _ z: __m256i) -> __m256i {
            out.bytes(requantize8(w, c, leftShift: left), requantize8(x, c, leftShift: left),
                      requantize8(y, c, leftShift: left), requantize8(z, c, leftShift: left))
        }
        // Pixels in order: a0, b0, a1, b1, ...
        let groups = (four(a0, b0, a1, b1), four(a2, b2, a3, b3), four(a4, b4, a5, b5), four(a6, b6, a7, b7))
        if count == 16 && channels == 8 {
            withUnsafeBytes(of: groups) { UnsafeMutableRawPointer(output).copyMemory(from: $0.baseAddress!, byteCount: 128) }
            return
        }
        let mask = UInt32(truncatingIfNeeded: (1 << channels) &- 1)
        withUnsafeBytes(of: groups) { vectors in
            for i in 0..<count {
                // Pixel i's 8 bytes sit at 8 * (i % 4) in vector i / 4; the mask writes just them.
                let lanes = 8 &* (i & 3)
                _mm256_mask_storeu_epi8(output + (i &* channels &- lanes), mask << UInt32(lanes),
                                        vectors.load(fromByteOffset: 32 &* (i >> 2), as: __m256i.self))
            }
        }
    }
}

/// The first 256 bits of a 512-bit value (the standard library's `lowHalf` goes lane by lane).
@_transparent
func low256<T>(_ value: T) -> __m256i {
    withUnsafeBytes(of: value) { $0.loadUnaligned(as: __m256i.self) }
}

/// `requantize16` on 8 lanes: the low halves of a block's constants are those of its lanes 0-7.
@_transparent
func requantize8(_ accumulators: __m256i, _ c: UnsafePointer<VNNIBlockConstants>, leftShift: Bool) -> __m256i {
    var x = accumulators
    if leftShift { x = _mm256_sllv_epi32(x, low256(c.pointee.leftShift)) }
    let even = _mm256_srav_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, low256(c.pointee.multiplier)),
                                                  low256(c.pointee.roundingEven)),
                                 low256(c.pointee.shiftEven))
    let odd = _mm256_srav_epi64(_mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32),
                                                                  low256(c.pointee.multiplierOdd)),
                                                 low256(c.pointee.roundingOdd)),
                                low256(c.pointee.shiftOdd))
    return _mm256_mask_blend_epi32(0xAA, even, _mm256_slli_epi64(odd, 32))
}

/// Where eight pixels read their converted input.
struct EightPixels {
    var p0, p1, p2, p3, p4, p5, p6, p7: UnsafeRawPointer

    @_transparent
    init(_ base: UnsafeRawPointer, _ offsets: SIMD8<Int>) {
        p0 = base + offsets[0]
        p1 = base + offsets[1]
        p2 = base + offsets[2]
        p3 = base + offsets[3]
        p4 = base + offsets[4]
        p5 = base + offsets[5]
        p6 = base + offsets[6]
        p7 = base + offsets[7]
    }

    @_transparent
    func advanced(by bytes: Int) -> EightPixels {
        var moved = self
        moved.p0 += bytes
        moved.p1 += bytes
        moved.p2 += bytes
        moved.p3 += bytes
        moved.p4 += bytes
        moved.p5 += bytes
        moved.p6 += bytes
        moved.p7 += bytes
        return moved
    }
}

/// The 4 bytes at `pointer + offset` in every lane (vpbroadcastd).
@_transparent
func quad(_ pointer: UnsafeRawPointer, _ offset: Int) -> __m512i {
    _mm512_set1_epi32(pointer.loadUnaligned(fromByteOffset: offset, as: Int32.self))
}

/// 8 pixels x 16 output channels of int32 sums.
struct EightAccumulators {
    var a0, a1, a2, a3, a4, a5, a6, a7: __m512i

    @_transparent
    init(bias: __m512i) {
        (a0, a1, a2, a3, a4, a5, a6, a7) = (bias, bias, bias, bias, bias, bias, bias, bias)
    }

    /// Adds `quads` groups of 4 input bytes of each pixel times the next weights (vpdpbusd).
    @inline(__always)
    mutating func accumulate(_ p: EightPixels, quads count: Int, weights: UnsafePointer<SIMD64<Int8>>) {
        var q = 0
        while q < count {
            let w = unsafeBitCast(weights[q], to: __m512i.self)
            let offset = 4 &* q
            a0 = _mm512_dpbusd_epi32(a0, quad(p.p0, offset), w)
            a1 = _mm512_dpbusd_epi32(a1, quad(p.p1, offset), w)
            a2 = _mm512_dpbusd_epi32(a2, quad(p.p2, offset), w)
            a3 = _mm512_dpbusd_epi32(a3, quad(p.p3, offset), w)
            a4 = _mm512_dpbusd_epi32(a4, quad(p.p4, offset), w)
            a5 = _mm512_dpbusd_epi32(a5, quad(p.p5, offset), w)
            a6 = _mm512_dpbusd_epi32(a6, quad(p.p6, offset), w)
            a7 = _mm512_dpbusd_epi32(a7, quad(p.p7, offset), w)
            q &+= 1
        }
    }

    /// Every vector requantized, zero point included when the constants fold it.
    @_transparent
    func requantized(_ c: UnsafePointer<VNNIBlockConstants>, leftShift: Bool) -> EightAccumulators {
        var r = self
        r.a0 = requantize16(a0, c, leftShift: leftShift)
        r.a1 = requantize16(a1, c, leftShift: leftShift)
        r.a2 = requantize16(a2, c, leftShift: leftShift)
        r.a3 = requantize16(a3, c, leftShift: leftShift)
        r.a4 = requantize16(a4, c, leftShift: leftShift)
        r.a5 = requantize16(a5, c, leftShift: leftShift)
        r.a6 = requantize16(a6, c, leftShift: leftShift)
        r.a7 = requantize16(a7, c, leftShift: leftShift)
        return r
    }

    /// Stores requantized vectors of one pixel each: the first `count` pixels' `channels` (1...16).
    @inline(__always)
    func store(_ out: OutputLanes, count: Int, channels: Int, to output: UnsafeMutablePointer<Int8>, stride: Int) {
        let mask = UInt16(truncatingIfNeeded: (1 << channels) &- 1)
        if count == 8 && mask == 0xFFFF {
            out.storeRows(out.bytes(a0, a1, a2, a3), to: output, stride: stride)
            out.storeRows(out.bytes(a4, a5, a6, a7), to: output + 4 &* stride, stride: stride)
            return
        }
        withUnsafeBytes(of: self) { vectors in
            for i in 0..<count {
                out.store(vectors.load(fromByteOffset: 64 &* i, as: __m512i.self), to: output + i &* stride, mask: mask)
            }
        }
    }
}

/// `multiplyByQuantizedMultiplierTiesUp` on 16 lanes, bit for bit, as `VNNIBlockConstants`
/// describes (plus the output zero point where the constants fold it).
@_transparent
func requantize16(_ accumulators: __m512i, _ c: UnsafePointer<VNNIBlockConstants>, leftShift: Bool) -> __m512i {
    var x = accumulators
    if leftShift { x = _mm512_sllv_epi32(x, unsafeBitCast(c.pointee.leftShift, to: __m512i.self)) }
    let even = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, unsafeBitCast(c.pointee.multiplier, to: __m512i.self)),
                                                  c.pointee.roundingEven),
                                 c.pointee.shiftEven)
    let odd = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32),
                                                                  unsafeBitCast(c.pointee.multiplierOdd, to: __m512i.self)),
                                                 c.pointee.roundingOdd),
                                c.pointee.shiftOdd)
    // The results sit in the low halves of the 64-bit lanes; the odd ones move up between them.
    return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32))
}

/// The output zero point (where not folded into the requantization) and activation range.
struct OutputLanes {
    var zeroPoint: __m512i
    var addsZeroPoint: Bool
    var clamps: Bool
    var low: __m128i
    var high: __m128i

    @_transparent
    init(_ packed: PackedConvolutionVNNI) {
        zeroPoint = _mm512_set1_epi32(packed.outputZeroPoint)
        addsZeroPoint = !packed.foldsZeroPoint
        clamps = packed.needsClamp
        low = _mm_set1_epi8(Int8(truncatingIfNeeded: packed.activationMin))
        high = _mm_set1_epi8(Int8(truncatingIfNeeded: packed.activationMax))
    }

    /// Requantized lanes as int8: saturated (vpmovsdb), then clamped to the activation range,
    /// which equals clamping the int32 values since that range lies within int8's.
    @_transparent
    func bytes(_ values: __m512i) -> __m128i {
        var bytes = _mm512_cvtsepi32_epi8(addsZeroPoint ? _mm512_add_epi32(values, zeroPoint) : values)
        if clamps { bytes = _mm_min_epi8(_mm_max_epi8(bytes, low), high) }
        return bytes
    }

    /// Four vectors of requantized lanes as 64 int8 values, `a`'s 16 first: saturating packs
    /// (vpackssdw, vpacksswb) then a transpose of the 4-byte groups they leave in each 128-bit lane.
    @_transparent
    func bytes(_ a: __m512i, _ b: __m512i, _ c: __m512i, _ d: __m512i) -> __m512i {
        let ab = _mm512_packs_epi32(addsZeroPoint ? _mm512_add_epi32(a, zeroPoint) : a,
                                    addsZeroPoint ? _mm512_add_epi32(b, zeroPoint) : b)
        let cd = _mm512_packs_epi32(addsZeroPoint ? _mm512_add_epi32(c, zeroPoint) : c,
                                    addsZeroPoint ? _mm512_add_epi32(d, zeroPoint) : d)
        let order = unsafeBitCast(SIMD16<Int32>(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), to: __m512i.self)
        var bytes = _mm512_permutexvar_epi32(order, _mm512_packs_epi16(ab, cd))
        if clamps {
            bytes = _mm512_min_epi8(_mm512_max_epi8(bytes, _mm512_broadcastb_epi8(low)), _mm512_broadcastb_epi8(high))
        }
        return bytes
    }

    /// Four vectors of 8 requantized lanes as 32 int8 values, `a`'s 8 first (as the 512-bit form).
    @_transparent
    func bytes(_ a: __m256i, _ b: __m256i, _ c: __m256i, _ d: __m256i) -> __m256i {
        let zero = _mm512_castsi512_si256(zeroPoint)
        let ab = _mm256_packs_epi32(addsZeroPoint ? _mm256_add_epi32(a, zero) : a, addsZeroPoint ? _mm256_add_epi32(b, zero) : b)
        let cd = _mm256_packs_epi32(addsZeroPoint ? _mm256_add_epi32(c, zero) : c, addsZeroPoint ? _mm256_add_epi32(d, zero) : d)
        let order = unsafeBitCast(SIMD8<Int32>(0, 4, 1, 5, 2, 6, 3, 7), to: __m256i.self)
        var bytes = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(ab, cd), order)
        if clamps { bytes = _mm256_min_epi8(_mm256_max_epi8(bytes, _mm256_broadcastb_epi8(low)), _mm256_broadcastb_epi8(high)) }
        return bytes
    }

    /// Stores the four 16-byte rows of `v` `stride` bytes apart.
    @_transparent
    func storeRows(_ v: __m512i, to output: UnsafeMutablePointer<Int8>, stride: Int) {
        if stride == 16 { return storeVector(v, to: output) }
        // Each masked store writes only its row's 16 bytes, at their place in the vector.
        _mm512_mask_storeu_epi8(output, 0xFFFF, v)
        _mm512_mask_storeu_epi8(output + (stride &- 16), 0xFFFF_0000, v)
        _mm512_mask_storeu_epi8(output + (2 &* stride &- 32), 0xFFFF_0000_0000, v)
        _mm512_mask_storeu_epi8(output + (3 &* stride &- 48), 0xFFFF_0000_0000_0000, v)
    }

    @_transparent
    func store(_ values: __m512i, to output: UnsafeMutablePointer<Int8>) {
        UnsafeMutableRawPointer(output).storeBytes(of: bytes(values), as: __m128i.self)
    }

    /// Stores the lanes `mask` selects, lane `i` to `output + i`.
    @_transparent
    func store(_ values: __m512i, to output: UnsafeMutablePointer<Int8>, mask: UInt16) {
        _mm_mask_storeu_epi8(output, mask, bytes(values))
    }
}
#endif
