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
    }

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
