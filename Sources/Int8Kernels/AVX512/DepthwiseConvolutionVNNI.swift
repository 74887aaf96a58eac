#if TINYSSD_AVX512
import _Builtin_intrinsics.intel
import Int8Kernels

/// `depthwiseConvolutionInt8Fast` for a `PackedDepthwiseConvolutionVNNI`: bit for bit
/// `depthwiseConvolutionInt8Reference`. Each chunk of an output row reads the columns of its three
/// input rows converted to `x + 128` bytes with the padding around them, so every tap is a plain
/// load; 32 output bytes at a time take 12 vpdpbusd on 256-bit vectors.
///
/// Computes output rows `rows` of `0..<batches * outputHeight`; any split gives the same bytes.
/// `scratch` must hold `packed.scratchByteCount` bytes and not be shared between running calls.
/// Call only when `avx512VNNIAvailable`.
public func depthwiseConvolutionInt8VNNI(_ packed: PackedDepthwiseConvolutionVNNI, input: UnsafePointer<Int8>,
                                         output: UnsafeMutablePointer<Int8>, rows: Range<Int>,
                                         scratch: UnsafeMutableRawPointer) {
    let g = packed.geometry
    let channels = g.outputChannels
    let converted = scratch.assumingMemoryBound(to: UInt8.self)
    packed.weights.withUnsafeBufferPointer { weights in
        packed.constants.withUnsafeBufferPointer { constants in
            let kernel = DepthwiseBlocksVNNI(packed: packed, weights: weights.baseAddress!, constants: constants.baseAddress!)
            for row in rows {
                var x = 0
                while x < g.outputWidth {
                    let pixels = min(packed.chunkPixels, g.outputWidth &- x)
                    convertInputRows(g, firstColumn: x &* g.strideWidth, width: packed.chunkColumns(pixels),
                                     rowStride: packed.rowStride, paddingByte: packed.paddingByte, row: row, input: input,
                                     to: converted)
                    kernel.chunk(UnsafeRawPointer(converted), pixels: pixels, to: output + (row &* g.outputWidth &+ x) &* channels)
                    x &+= pixels
                }
            }
        }
    }
}

/// The packed constants of one call, unpacked into pointers.
struct DepthwiseBlocksVNNI {
    let packed: PackedDepthwiseConvolutionVNNI
    let weights: UnsafePointer<SIMD32<Int8>>
    let constants: UnsafePointer<VNNIBlockConstants>
    /// Byte offsets of the second and third tap of a filter row, and of the second filter row.
    let column1: Int
    let column2: Int
    let rowStride: Int
    let zeroPoint: __m256i
    let low: __m256i
    let high: __m256i

    init(packed: PackedDepthwiseConvolutionVNNI, weights: UnsafePointer<SIMD32<Int8>>,
         constants: UnsafePointer<VNNIBlockConstants>) {
        self.packed = packed
        self.weights = weights
        self.constants = constants
        column1 = packed.geometry.dilationWidth * packed.geometry.inputChannels
        column2 = 2 * column1
        rowStride = packed.rowStride
        zeroPoint = _mm256_set1_epi32(packed.outputZeroPoint)
        low = _mm256_set1_epi8(Int8(truncatingIfNeeded: packed.activationMin))
        high = _mm256_set1_epi8(Int8(truncatingIfNeeded: packed.activationMax))
    }

    /// `pixels` output pixels from the converted rows at `converted`.
    @inline(__always)
    func chunk(_ converted: UnsafeRawPointer, pixels: Int, to output: UnsafeMutablePointer<Int8>) {
        let channels = packed.geometry.outputChannels
        if channels % 32 == 0 {
            let pixelBytes = packed.geometry.strideWidth &* channels
            for x in 0..<pixels {
                for b in 0..<packed.blocks {
                    store(block(converted + (x &* pixelBytes &+ 32 &* b), b), to: output + (x &* channels &+ 32 &* b), count: 32)
                }
            }
        } else {
            // Stride 1 with 32 / channels pixels per block: output byte i reads converted byte i on.
            let bytes = pixels &* channels
            var i = 0
            while i < bytes {
                store(block(converted + i, 0), to: output + i, count: min(32, bytes &- i))
                i &+= 32
            }
        }
    }

    /// The 32 output bytes whose first tap reads at `base`, with block `block`'s weights.
    @inline(__always)
    func block(_ base: UnsafeRawPointer, _ block: Int) -> __m256i {
        @_transparent
        func load(_ offset: Int) -> __m256i { base.loadUnaligned(fromByteOffset: offset, as: __m256i.self) }
        let w = UnsafeRawPointer(weights + 12 &* block)
        @_transparent
        func weight(_ i: Int) -> __m256i { w.loadUnaligned(fromByteOffset: 32 &* i, as: __m256i.self) }
        @_transparent
        func dot(_ sum: __m256i, _ inputs: __m256i, _ i: Int) -> __m256i { _mm256_mask_dpbusd_epi32(sum, 0xFF, inputs, weight(i)) }
        let c = constants + 4 &* block
        var a0 = low256(c[0].bias), a1 = low256(c[1].bias), a2 = low256(c[2].bias), a3 = low256(c[3].bias)
        /// Adds 4 taps' products: bytes interleaved so lane `4h + i` of vector `k` holds channel `16h + 4k + i`'s taps.
        @_transparent
        func taps(_ t0: __m256i, _ t1: __m256i, _ t2: __m256i, _ t3: __m256i, group: Int) {
            let lo01 = _mm256_unpacklo_epi8(t0, t1), hi01 = _mm256_unpackhi_epi8(t0, t1)
            let lo23 = _mm256_unpacklo_epi8(t2, t3), hi23 = _mm256_unpackhi_epi8(t2, t3)
            a0 = dot(a0, _mm256_unpacklo_epi16(lo01, lo23), 4 &* group)
            a1 = dot(a1, _mm256_unpackhi_epi16(lo01, lo23), 4 &* group &+ 1)
            a2 = dot(a2, _mm256_unpacklo_epi16(hi01, hi23), 4 &* group &+ 2)
            a3 = dot(a3, _mm256_unpackhi_epi16(hi01, hi23), 4 &* group &+ 3)
        }
        let r = rowStride, r2 = 2 &* rowStride
        taps(load(0), load(column1), load(column2), load(r), group: 0)
        taps(load(r &+ column1), load(r &+ column2), load(r2), load(r2 &+ column1), group: 1)
        // Tap 8 alone: byte 4k + i of each 128-bit half into lane 4h + i's first byte (its three
        // partners have zero weights).
        let last = load(r2 &+ column2)
        a0 = dot(a0, _mm256_shuffle_epi8(last, tapSpread(0)), 8)
        a1 = dot(a1, _mm256_shuffle_epi8(last, tapSpread(4)), 9)
        a2 = dot(a2, _mm256_shuffle_epi8(last, tapSpread(8)), 10)
        a3 = dot(a3, _mm256_shuffle_epi8(last, tapSpread(12)), 11)
        let left = packed.hasLeftShift
        var r0 = requantize8(a0, c, leftShift: left), r1 = requantize8(a1, c + 1, leftShift: left)
        var r2q = requantize8(a2, c + 2, leftShift: left), r3 = requantize8(a3, c + 3, leftShift: left)
        if !packed.foldsZeroPoint {
            r0 = _mm256_add_epi32(r0, zeroPoint)
            r1 = _mm256_add_epi32(r1, zeroPoint)
            r2q = _mm256_add_epi32(r2q, zeroPoint)
            r3 = _mm256_add_epi32(r3, zeroPoint)
        }
        // The packs put channels back in order: halves of (r0, r1) then of (r2, r3).
        var bytes = _mm256_packs_epi16(_mm256_packs_epi32(r0, r1), _mm256_packs_epi32(r2q, r3))
        if packed.needsClamp { bytes = _mm256_min_epi8(_mm256_max_epi8(bytes, low), high) }
        return bytes
    }

    /// Stores the first `count` (1...32) bytes of `bytes`.
    @_transparent
    func store(_ bytes: __m256i, to output: UnsafeMutablePointer<Int8>, count: Int) {
        if count == 32 {
            UnsafeMutableRawPointer(output).storeBytes(of: bytes, as: __m256i.self)
        } else {
            _mm256_mask_storeu_epi8(output, UInt32(truncatingIfNeeded: (UInt64(1) << UInt64(count)) &- 1), bytes)
        }
    }
}

/// The vpshufb control that puts byte `first + i` of each 128-bit half into the first byte of
/// 32-bit lane `i` of that half and zeroes the rest.
@_transparent
func tapSpread(_ first: Int8) -> __m256i {
    let z: Int8 = -128
    return unsafeBitCast(SIMD32<Int8>(first, z, z, z, first + 1, z, z, z, first + 2, z, z, z, first + 3, z, z, z,
                                      first, z, z, z, first + 1, z, z, z, first + 2, z, z, z, first + 3, z, z, z),
                         to: __m256i.self)
}
#endif
