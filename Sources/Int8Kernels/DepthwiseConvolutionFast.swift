#if TINYSSD_AVX2
import _Builtin_intrinsics.intel
#endif

/// Fast int8 DEPTHWISE_CONV_2D, bit for bit `depthwiseConvolutionInt8Reference` for the geometry
/// and parameters `packed` was built from: any filter size, stride, dilation and padding,
/// vectorized over channels (16, then 8 at a time, two taps per vpmaddwd) when the depth
/// multiplier is 1, channel by channel otherwise.
///
/// Computes output rows `rows` of `0..<batches * outputHeight` (batch-major), so threads can
/// split the work; any split gives the same bytes. `scratch` must hold
/// `packed.scratchByteCount` bytes, be 16-byte aligned and not be shared between running calls.
public func depthwiseConvolutionInt8Fast(_ packed: PackedDepthwiseConvolution, input: UnsafePointer<Int8>,
                                         output: UnsafeMutablePointer<Int8>, rows: Range<Int>,
                                         scratch: UnsafeMutableRawPointer) {
    let g = packed.geometry
    let taps = packed.taps
    let rowInputs = scratch.bindMemory(to: UnsafePointer<Int8>.self, capacity: g.filterHeight + 2 * taps)
    let rowTaps = rowInputs + g.filterHeight
    let pixelTaps = rowTaps + taps
    // Taps in the padding read zero points, which the folded bias cancels.
    let rowLength = g.inputWidth * g.inputChannels
    let zeroPoints = UnsafeMutableRawPointer(pixelTaps + taps).bindMemory(to: Int8.self, capacity: rowLength)
    zeroPoints.update(repeating: packed.inputZeroPoint, count: rowLength)
    let zeroRow = UnsafePointer(zeroPoints)
    let clamp = OutputClamp(zeroPoint: packed.outputZeroPoint, low: packed.activationMin, high: packed.activationMax)
    // Output columns whose taps all fall inside the input's width.
    let firstInside = (g.padLeft + g.strideWidth - 1) / g.strideWidth
    let lastLeft = g.inputWidth - 1 + g.padLeft - (g.filterWidth - 1) * g.dilationWidth
    let endInside = max(firstInside, min(g.outputWidth, lastLeft < 0 ? 0 : lastLeft / g.strideWidth + 1))
    let pixelStep = g.strideWidth * g.inputChannels
    #if TINYSSD_AVX2
    let units = InteriorUnits(packed, interiorPixels: endInside - firstInside)
    #endif
    packed.weights.withUnsafeBufferPointer { weights in
        packed.groups.withUnsafeBufferPointer { groups in
            packed.repeatedWeights.withUnsafeBufferPointer { repeatedWeights in
                packed.repeatedGroups.withUnsafeBufferPointer { repeatedGroups in
                    let kernel = DepthwiseKernel(packed: packed, weights: weights.baseAddress!, groups: groups.baseAddress!,
                                                 clamp: clamp)
                    for row in rows {
                        let batch = row / g.outputHeight
                        let top = (row % g.outputHeight) * g.strideHeight - g.padTop
                        var tap = 0
                        for fy in 0..<g.filterHeight {
                            let iy = top + fy * g.dilationHeight
                            rowInputs[fy] = iy >= 0 && iy < g.inputHeight
                                ? input + (batch * g.inputHeight + iy) * rowLength : zeroRow
                            // Where output column 0 would read; column x reads `x * pixelStep` further.
                            for fx in 0..<g.filterWidth {
                                rowTaps[tap] = rowInputs[fy] + (fx * g.dilationWidth - g.padLeft) * g.inputChannels
                                tap += 1
                            }
                        }
                        var x = 0
                        while x < g.outputWidth {
                            #if TINYSSD_AVX2
                            if x == firstInside && units.count > 0 {
                                let taps = NineTaps(rowTaps, offset: x * pixelStep)
                                let out = output + (row * g.outputWidth + x) * g.outputChannels
                                if units.repeated {
                                    kernel.units3x3(taps, units, weights: repeatedWeights.baseAddress!, vectorsPerPair: 2,
                                                    groups: repeatedGroups.baseAddress!, to: out)
                                } else {
                                    kernel.units3x3(taps, units, weights: weights.baseAddress!,
                                                    vectorsPerPair: packed.vectorsPerPair, groups: groups.baseAddress!, to: out)
                                }
                                x += units.pixels
                                continue
                            }
                            #endif
                            let out = output + (row * g.outputWidth + x) * g.outputChannels
                            let inside = x >= firstInside && x < endInside && packed.depthMultiplier == 1
                            let interior = TapInputs(pointers: rowTaps, offset: x * pixelStep)
                            if inside && packed.pixelsPerVector > 1 && x + packed.pixelsPerVector <= endInside {
                                kernel.block16(interior, channel: 0, weights: repeatedWeights.baseAddress!,
                                               vectorsPerPair: 2, groups: repeatedGroups.baseAddress!, to: out)
                                x += packed.pixelsPerVector
                                continue
                            }
                            if inside {
                                kernel.pixel(interior, to: out)
                            } else {
                                // A column in the padding: every tap gets its own pointer.
                                let left = x * g.strideWidth - g.padLeft
                                var tap = 0
                                for fy in 0..<g.filterHeight {
                                    for fx in 0..<g.filterWidth {
                                        let ix = left + fx * g.dilationWidth
                                        let inside = ix >= 0 && ix < g.inputWidth && rowInputs[fy] != zeroRow
                                        pixelTaps[tap] = inside ? rowInputs[fy] + ix * g.inputChannels : zeroRow
                                        tap += 1
                                    }
                                }
                                let border = TapInputs(pointers: pixelTaps, offset: 0)
                                if packed.depthMultiplier == 1 {
                                    kernel.pixel(border, to: out)
                                } else {
                                    kernel.multipliedPixel(border, to: out)
                                }
                            }
                            x += 1
                        }
                    }
                }
            }
        }
    }
}

#if TINYSSD_AVX2
/// How a row's interior columns of a 3x3 depthwise convolution with multiplier 1 split into units
/// of 16 output bytes (16 channels of a pixel, or `pixelsPerVector` pixels), computed two at a time.
struct InteriorUnits {
    /// Units per row (0 when the layer does not qualify), and the pixels they cover.
    var count = 0
    var pixels = 0
    /// Units per pixel, and the input bytes from one unit pixel to the next.
    var blocksPerPixel = 1
    var pixelStep = 16
    var repeated = false

    init(_ packed: PackedDepthwiseConvolution, interiorPixels: Int) {
        let g = packed.geometry
        guard packed.depthMultiplier == 1, g.filterHeight == 3, g.filterWidth == 3, interiorPixels > 0 else { return }
        if packed.pixelsPerVector > 1 {
            repeated = true
            count = interiorPixels / packed.pixelsPerVector
            pixels = count * packed.pixelsPerVector
        } else if g.outputChannels % 16 == 0 {
            blocksPerPixel = g.outputChannels / 16
            pixelStep = g.strideWidth * g.inputChannels
            count = interiorPixels * blocksPerPixel
            pixels = interiorPixels
        }
    }
}

/// The nine input pointers of a 3x3 filter for one pixel.
struct NineTaps {
    var t0, t1, t2, t3, t4, t5, t6, t7, t8: UnsafePointer<Int8>

    @_transparent
    init(_ pointers: UnsafePointer<UnsafePointer<Int8>>, offset: Int) {
        t0 = pointers[0] + offset
        t1 = pointers[1] + offset
        t2 = pointers[2] + offset
        t3 = pointers[3] + offset
        t4 = pointers[4] + offset
        t5 = pointers[5] + offset
        t6 = pointers[6] + offset
        t7 = pointers[7] + offset
        t8 = pointers[8] + offset
    }
}

extension DepthwiseKernel {
    /// A row's interior units: all 3x3 taps inside the input (or on rows of zero points), so every
    /// unit reads at a fixed offset from the first's.
    @inline(__always)
    func units3x3(_ taps: NineTaps, _ units: InteriorUnits, weights: UnsafePointer<SIMD16<Int16>>, vectorsPerPair: Int,
                  groups: UnsafePointer<ChannelGroup>, to output: UnsafeMutablePointer<Int8>) {
        if packed.hasGeneralRequantization {
            unitLoop(taps, units, weights: weights, vectorsPerPair: vectorsPerPair, groups: groups, to: output,
                     mode: AnyShifts.self)
        } else {
            unitLoop(taps, units, weights: weights, vectorsPerPair: vectorsPerPair, groups: groups, to: output,
                     mode: RightShiftsOnly.self)
        }
    }

    @inline(__always)
    private func unitLoop<Mode: RequantizationMode>(
        _ taps: NineTaps, _ units: InteriorUnits, weights: UnsafePointer<SIMD16<Int16>>, vectorsPerPair: Int,
        groups: UnsafePointer<ChannelGroup>, to output: UnsafeMutablePointer<Int8>, mode: Mode.Type
    ) {
        let vectors = OutputVectors(clamp)
        var block = 0
        var pixelOffset = 0
        var unit = 0
        while unit &+ 2 <= units.count {
            let first = unitWords(taps, offset: pixelOffset &+ 16 &* block, weights: weights + 2 &* block,
                                  vectorsPerPair: vectorsPerPair, groups: groups + 2 &* block, vectors, mode: Mode.self)
            block &+= 1
            if block == units.blocksPerPixel {
                block = 0
                pixelOffset &+= units.pixelStep
            }
            let second = unitWords(taps, offset: pixelOffset &+ 16 &* block, weights: weights + 2 &* block,
                                   vectorsPerPair: vectorsPerPair, groups: groups + 2 &* block, vectors, mode: Mode.self)
            block &+= 1
            if block == units.blocksPerPixel {
                block = 0
                pixelOffset &+= units.pixelStep
            }
            storeVector(packWordPairToInt8(first, second, vectors), to: output + 16 &* unit)
            unit &+= 2
        }
        if unit < units.count {
            let words = unitWords(taps, offset: pixelOffset &+ 16 &* block, weights: weights + 2 &* block,
                                  vectorsPerPair: vectorsPerPair, groups: groups + 2 &* block, vectors, mode: Mode.self)
            storeVector(packWordsToInt8(words, vectors), to: output + 16 &* unit)
        }
    }

    /// One unit's 16 requantized lanes as int16 in output order, zero point added; the ninth tap
    /// pairs with itself against a zero weight.
    @inline(__always)
    private func unitWords<Mode: RequantizationMode>(
        _ taps: NineTaps, offset: Int, weights w: UnsafePointer<SIMD16<Int16>>, vectorsPerPair: Int,
        groups: UnsafePointer<ChannelGroup>, _ vectors: OutputVectors, mode: Mode.Type
    ) -> __m256i {
        @_transparent
        func products(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, _ pair: Int) -> (__m256i, __m256i) {
            let x = widenedInputs(a + offset), y = widenedInputs(b + offset)
            let weights = w + pair &* vectorsPerPair
            return (_mm256_madd_epi16(_mm256_unpacklo_epi16(x, y), unsafeBitCast(weights[0], to: __m256i.self)),
                    _mm256_madd_epi16(_mm256_unpackhi_epi16(x, y), unsafeBitCast(weights[1], to: __m256i.self)))
        }
        let p0 = products(taps.t0, taps.t1, 0)
        let p1 = products(taps.t2, taps.t3, 1)
        let p2 = products(taps.t4, taps.t5, 2)
        let p3 = products(taps.t6, taps.t7, 3)
        let p4 = products(taps.t8, taps.t8, 4)
        // Summed as a tree to shorten the dependency chain; int32 addition wraps like the reference's.
        let low = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(p0.0, p1.0), _mm256_add_epi32(p2.0, p3.0)),
                                   _mm256_add_epi32(p4.0, unsafeBitCast(groups[0].bias, to: __m256i.self)))
        let high = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(p0.1, p1.1), _mm256_add_epi32(p2.1, p3.1)),
                                    _mm256_add_epi32(p4.1, unsafeBitCast(groups[1].bias, to: __m256i.self)))
        let general = Mode.general
        let low32 = requantizeVectors(unsafeBitCast(low, to: SIMD8<Int32>.self), groups[0].vectors, general: general)
        let high32 = requantizeVectors(unsafeBitCast(high, to: SIMD8<Int32>.self), groups[1].vectors, general: general)
        return _mm256_adds_epi16(_mm256_packs_epi32(low32, high32), vectors.zeroPoint)
    }
}
#endif

/// Where the taps of one output pixel read: tap `t` reads channel `c` at `pointers[t] + offset + c`.
struct TapInputs {
    var pointers: UnsafePointer<UnsafePointer<Int8>>
    var offset: Int
}

/// The 16 bytes `first...first + 7` of `a` and `b` interleaved (vpunpcklbw / vpunpckhbw):
/// two taps' inputs side by side, as the paired weights are stored.
@_transparent
func interleave(_ a: SIMD16<Int8>, _ b: SIMD16<Int8>, from first: Int) -> SIMD16<Int8> {
    var r = SIMD16<Int8>()
    for i in 0..<8 {
        r[2 &* i] = a[first &+ i]
        r[2 &* i &+ 1] = b[first &+ i]
    }
    return r
}

/// The packed constants of one call, unpacked into pointers.
struct DepthwiseKernel {
    let packed: PackedDepthwiseConvolution
    let weights: UnsafePointer<SIMD16<Int16>>
    let groups: UnsafePointer<ChannelGroup>
    let clamp: OutputClamp

    /// All channels of one output pixel, depth multiplier 1.
    @inline(__always)
    func pixel(_ taps: TapInputs, to output: UnsafeMutablePointer<Int8>) {
        let channels = packed.geometry.outputChannels
        var c = 0
        while c + 16 <= channels {
            block16(taps, channel: c, weights: weights + c / 8, vectorsPerPair: packed.vectorsPerPair,
                    groups: groups + c / 8, to: output + c)
            c += 16
        }
        while c < channels {
            block8(taps, channel: c, count: min(8, channels - c), to: output + c)
            c += 8
        }
    }

    /// 16 lanes from `channel` on, with their paired weights (`vectorsPerPair` apart per tap pair)
    /// and two groups; a 3x3 filter's five pairs are unrolled.
    @inline(__always)
    func block16(_ taps: TapInputs, channel: Int, weights: UnsafePointer<SIMD16<Int16>>, vectorsPerPair: Int,
                 groups: UnsafePointer<ChannelGroup>, to output: UnsafeMutablePointer<Int8>) {
        #if TINYSSD_AVX2
        let words = packed.hasGeneralRequantization
            ? block16Words(taps, channel: channel, weights: weights, vectorsPerPair: vectorsPerPair, groups: groups,
                           mode: AnyShifts.self)
            : block16Words(taps, channel: channel, weights: weights, vectorsPerPair: vectorsPerPair, groups: groups,
                           mode: RightShiftsOnly.self)
        storeVector(packWordsToInt8(words, OutputVectors(clamp)), to: output)
        #else
        var low = groups[0].bias
        var high = groups[1].bias
        let last = packed.taps - 1
        @inline(__always)
        func accumulate(pairs: Int) {
            var w = weights
            for pair in 0..<pairs {
                let a = loadVector(taps.pointers[2 * pair] + taps.offset + channel, as: SIMD16<Int8>.self)
                let b = loadVector(taps.pointers[min(2 * pair + 1, last)] + taps.offset + channel, as: SIMD16<Int8>.self)
                low &+= multiplyAddPairs(widenToInt16(interleave(a, b, from: 0)), w[0])
                high &+= multiplyAddPairs(widenToInt16(interleave(a, b, from: 8)), w[1])
                w += vectorsPerPair
            }
        }
        if packed.taps == 9 { accumulate(pairs: 5) } else { accumulate(pairs: packed.tapPairs) }
        storeRequantized(low, groups[0].lanes, clamp, to: output, count: 8)
        storeRequantized(high, groups[1].lanes, clamp, to: output + 8, count: 8)
        #endif
    }

    #if TINYSSD_AVX2
    /// The 16 requantized lanes of `block16` as int16 in channel order, zero point added: each tap
    /// pair's inputs widened (vpmovsxbw) and interleaved within 128-bit halves (vpunpcklwd,
    /// vpunpckhwd), which is the lane order the packed weights and groups use.
    @inline(__always)
    func block16Words<Mode: RequantizationMode>(_ taps: TapInputs, channel: Int, weights: UnsafePointer<SIMD16<Int16>>,
                                                vectorsPerPair: Int, groups: UnsafePointer<ChannelGroup>,
                                                mode: Mode.Type) -> __m256i {
        var low = unsafeBitCast(groups[0].bias, to: __m256i.self)
        var high = unsafeBitCast(groups[1].bias, to: __m256i.self)
        let last = packed.taps &- 1
        let offset = taps.offset &+ channel
        @inline(__always)
        func accumulate(pairs: Int) {
            var w = weights
            for pair in 0..<pairs {
                let a = widenedInputs(taps.pointers[2 &* pair] + offset)
                let b = widenedInputs(taps.pointers[min(2 &* pair &+ 1, last)] + offset)
                low = _mm256_add_epi32(low, _mm256_madd_epi16(_mm256_unpacklo_epi16(a, b),
                                                              unsafeBitCast(w[0], to: __m256i.self)))
                high = _mm256_add_epi32(high, _mm256_madd_epi16(_mm256_unpackhi_epi16(a, b),
                                                                unsafeBitCast(w[1], to: __m256i.self)))
                w += vectorsPerPair
            }
        }
        if packed.taps == 9 { accumulate(pairs: 5) } else { accumulate(pairs: packed.tapPairs) }
        let general = Mode.general
        let low32 = requantizeVectors(unsafeBitCast(low, to: SIMD8<Int32>.self), groups[0].vectors, general: general)
        let high32 = requantizeVectors(unsafeBitCast(high, to: SIMD8<Int32>.self), groups[1].vectors, general: general)
        return _mm256_adds_epi16(_mm256_packs_epi32(low32, high32), _mm256_set1_epi16(Int16(truncatingIfNeeded: clamp.zeroPoint)))
    }
    #endif

    /// `count` (1...8) channels; loads lane by lane when fewer than 8 remain.
    @inline(__always)
    func block8(_ taps: TapInputs, channel: Int, count: Int, to output: UnsafeMutablePointer<Int8>) {
        var accumulators = groups[channel / 8].bias
        var w = weights + channel / 8
        let last = packed.taps - 1
        for pair in 0..<packed.tapPairs {
            let a = taps.pointers[2 * pair] + taps.offset + channel
            let b = taps.pointers[min(2 * pair + 1, last)] + taps.offset + channel
            var x = SIMD16<Int8>()
            for lane in 0..<count {
                x[2 * lane] = a[lane]
                x[2 * lane + 1] = b[lane]
            }
            accumulators &+= multiplyAddPairs(widenToInt16(x), w[0])
            w += packed.vectorsPerPair
        }
        storeRequantized(accumulators, groups[channel / 8].lanes, clamp, to: output, count: count)
    }

    /// All channels of one output pixel for a depth multiplier above 1: output channel `oc`
    /// reads input channel `oc / depthMultiplier`, gathered lane by lane.
    func multipliedPixel(_ taps: TapInputs, to output: UnsafeMutablePointer<Int8>) {
        let channels = packed.geometry.outputChannels
        for first in stride(from: 0, to: channels, by: 8) {
            let count = min(8, channels - first)
            var accumulators = groups[first / 8].bias
            for tap in 0..<packed.taps {
                let source = taps.pointers[tap] + taps.offset
                let tapWeights = weights[(tap / 2) * packed.vectorsPerPair + first / 8]
                for lane in 0..<count {
                    let value = Int32(source[(first + lane) / packed.depthMultiplier])
                    accumulators[lane] = accumulators[lane] &+ value &* Int32(tapWeights[2 * lane + tap % 2])
                }
            }
            storeRequantized(accumulators, groups[first / 8].lanes, clamp, to: output + first, count: count)
        }
    }
}
