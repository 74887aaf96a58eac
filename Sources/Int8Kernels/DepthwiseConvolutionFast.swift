/// Fast int8 DEPTHWISE_CONV_2D, bit for bit `depthwiseConvolutionInt8Reference` for the geometry
/// and parameters `packed` was built from: any filter size, stride, dilation and padding,
/// vectorized over channels (16, then 8 at a time) when the depth multiplier is 1, channel by
/// channel otherwise.
///
/// Computes output rows `rows` of `0..<batches * outputHeight` (batch-major), so threads can
/// split the work; any split gives the same bytes. `scratch` must hold
/// `packed.scratchByteCount` bytes, be 16-byte aligned and not be shared between running calls.
public func depthwiseConvolutionInt8Fast(_ packed: PackedDepthwiseConvolution, input: UnsafePointer<Int8>,
                                         output: UnsafeMutablePointer<Int8>, rows: Range<Int>,
                                         scratch: UnsafeMutableRawPointer) {
    let g = packed.geometry
    let rowInputs = scratch.bindMemory(to: UnsafePointer<Int8>.self, capacity: g.filterHeight + packed.taps)
    let tapInputs = rowInputs + g.filterHeight
    // Taps in the padding read zero points, which the folded bias cancels.
    let rowLength = g.inputWidth * g.inputChannels
    let zeroPoints = UnsafeMutableRawPointer(tapInputs + packed.taps).bindMemory(to: Int8.self, capacity: rowLength)
    zeroPoints.update(repeating: packed.inputZeroPoint, count: rowLength)
    let clamp = OutputClamp(zeroPoint: packed.outputZeroPoint, low: packed.activationMin, high: packed.activationMax)
    // Output columns whose taps all fall inside the input's width.
    let firstInside = (g.padLeft + g.strideWidth - 1) / g.strideWidth
    let lastLeft = g.inputWidth - 1 + g.padLeft - (g.filterWidth - 1) * g.dilationWidth
    let endInside = max(firstInside, min(g.outputWidth, lastLeft < 0 ? 0 : lastLeft / g.strideWidth + 1))
    packed.weights.withUnsafeBufferPointer { weights in
        packed.groups.withUnsafeBufferPointer { groups in
            packed.repeatedWeights.withUnsafeBufferPointer { repeatedWeights in
                packed.repeatedGroups.withUnsafeBufferPointer { repeatedGroups in
                    let kernel = DepthwiseKernel(packed: packed, weights: weights.baseAddress!, groups: groups.baseAddress!,
                                                 clamp: clamp)
                    for row in rows {
                        let batch = row / g.outputHeight
                        let top = (row % g.outputHeight) * g.strideHeight - g.padTop
                        for fy in 0..<g.filterHeight {
                            let iy = top + fy * g.dilationHeight
                            rowInputs[fy] = iy >= 0 && iy < g.inputHeight
                                ? input + (batch * g.inputHeight + iy) * rowLength : UnsafePointer(zeroPoints)
                        }
                        var x = 0
                        while x < g.outputWidth {
                            let out = output + (row * g.outputWidth + x) * g.outputChannels
                            let left = x * g.strideWidth - g.padLeft
                            let inside = x >= firstInside && x < endInside && packed.depthMultiplier == 1
                            let rowTaps = TapLayout(inputs: UnsafePointer(rowInputs), rows: g.filterHeight,
                                                    columns: g.filterWidth, offset: left * g.inputChannels,
                                                    step: g.dilationWidth * g.inputChannels)
                            if inside && packed.pixelsPerVector > 1 && x + packed.pixelsPerVector <= endInside {
                                kernel.block16(rowTaps, channel: 0, weights: repeatedWeights.baseAddress!, weightStride: 16,
                                               groups: repeatedGroups.baseAddress!, to: out)
                                x += packed.pixelsPerVector
                                continue
                            }
                            if inside {
                                kernel.pixel(rowTaps, to: out)
                            } else {
                                // A column in the padding: every tap gets its own pointer.
                                var tap = 0
                                for fy in 0..<g.filterHeight {
                                    for fx in 0..<g.filterWidth {
                                        let ix = left + fx * g.dilationWidth
                                        let inside = ix >= 0 && ix < g.inputWidth && rowInputs[fy] != UnsafePointer(zeroPoints)
                                        tapInputs[tap] = inside ? rowInputs[fy] + ix * g.inputChannels : UnsafePointer(zeroPoints)
                                        tap += 1
                                    }
                                }
                                let taps = TapLayout(inputs: UnsafePointer(tapInputs), rows: packed.taps, columns: 1,
                                                     offset: 0, step: 0)
                                if packed.depthMultiplier == 1 {
                                    kernel.pixel(taps, to: out)
                                } else {
                                    kernel.multipliedPixel(taps, to: out)
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

/// Where the taps of one output pixel read: tap `(r, c)` (weight index `r * columns + c`) reads
/// from `inputs[r] + offset + c * step`. Interior pixels use one pointer per filter row; pixels
/// touching the padding use one pointer per tap (`columns` 1, `step` 0).
struct TapLayout {
    var inputs: UnsafePointer<UnsafePointer<Int8>>
    var rows: Int
    var columns: Int
    var offset: Int
    var step: Int
}

/// The packed constants of one call, unpacked into pointers.
struct DepthwiseKernel {
    let packed: PackedDepthwiseConvolution
    let weights: UnsafePointer<Int16>
    let groups: UnsafePointer<ChannelGroup>
    let clamp: OutputClamp

    /// All channels of one output pixel, depth multiplier 1.
    @inline(__always)
    func pixel(_ taps: TapLayout, to output: UnsafeMutablePointer<Int8>) {
        let channels = packed.geometry.outputChannels
        var c = 0
        while c + 16 <= channels {
            block16(taps, channel: c, weights: weights + c, weightStride: packed.channelStride, groups: groups + c / 8,
                    to: output + c)
            c += 16
        }
        while c < channels {
            block8(taps, channel: c, count: min(8, channels - c), to: output + c)
            c += 8
        }
    }

    /// 16 lanes from `channel` on, with their weights (`weightStride` apart per tap) and two
    /// groups: int8 x int8 products are exact in int16 lanes (vpmullw), then widened and summed
    /// in int32.
    @inline(__always)
    func block16(_ taps: TapLayout, channel: Int, weights: UnsafePointer<Int16>, weightStride: Int,
                 groups: UnsafePointer<ChannelGroup>, to output: UnsafeMutablePointer<Int8>) {
        var low = groups[0].bias
        var high = groups[1].bias
        var tapWeights = weights
        for r in 0..<taps.rows {
            let source = taps.inputs[r] + taps.offset + channel
            for c in 0..<taps.columns {
                let x = widenToInt16(loadVector(source + c * taps.step, as: SIMD16<Int8>.self))
                let products = x &* loadVector(tapWeights, as: SIMD16<Int16>.self)
                low &+= widenToInt32(lowHalf(products))
                high &+= widenToInt32(highHalf(products))
                tapWeights += weightStride
            }
        }
        storeRequantized(low, groups[0].lanes, clamp, to: output, count: 8)
        storeRequantized(high, groups[1].lanes, clamp, to: output + 8, count: 8)
    }

    /// `count` (1...8) channels; loads lane by lane when fewer than 8 remain.
    @inline(__always)
    func block8(_ taps: TapLayout, channel: Int, count: Int, to output: UnsafeMutablePointer<Int8>) {
        var accumulators = groups[channel / 8].bias
        var tapWeights = weights + channel
        for r in 0..<taps.rows {
            let source = taps.inputs[r] + taps.offset + channel
            for c in 0..<taps.columns {
                var x = SIMD8<Int8>()
                if count == 8 {
                    x = loadVector(source + c * taps.step, as: SIMD8<Int8>.self)
                } else {
                    for lane in 0..<count { x[lane] = source[c * taps.step + lane] }
                }
                accumulators &+= widenToInt32(widenToInt16(x) &* loadVector(tapWeights, as: SIMD8<Int16>.self))
                tapWeights += packed.channelStride
            }
        }
        storeRequantized(accumulators, groups[channel / 8].lanes, clamp, to: output, count: count)
    }

    /// All channels of one output pixel for a depth multiplier above 1: output channel `oc`
    /// reads input channel `oc / depthMultiplier`, gathered lane by lane.
    func multipliedPixel(_ taps: TapLayout, to output: UnsafeMutablePointer<Int8>) {
        let channels = packed.geometry.outputChannels
        for first in stride(from: 0, to: channels, by: 8) {
            let count = min(8, channels - first)
            var accumulators = groups[first / 8].bias
            for tap in 0..<taps.rows {
                let source = taps.inputs[tap]
                let tapWeights = weights + tap * packed.channelStride + first
                for lane in 0..<count {
                    let value = Int32(source[(first + lane) / packed.depthMultiplier])
                    accumulators[lane] = accumulators[lane] &+ value &* Int32(tapWeights[lane])
                }
            }
            storeRequantized(accumulators, groups[first / 8].lanes, clamp, to: output + first, count: count)
        }
    }
}
