/// Fast float32 DEPTHWISE_CONV_2D for the geometry and parameters `packed` was built from: any
/// filter size, stride, dilation and padding. With depth multiplier 1, channels go 8 at a time
/// (SIMD8, FMA on x86-64-v3) over blocks of 4 output pixels whose taps all fall inside the input's
/// width, 3x3 filters with their 9 weight vectors held in registers; columns in the padding, the
/// last `outputChannels % 8` channels and other multipliers go channel by channel. Rows in the
/// padding read a row of zeros.
///
/// Not bit-identical to `depthwiseConvolutionFloatReference` (the bias starts the sum, products
/// are fused): within `1e-5 * max(1, |reference|)` on the tested layers.
///
/// Computes output rows `rows` of `0..<batches * outputHeight` (batch-major), so threads can
/// split the work; any split gives the same values. `scratch` must hold `packed.scratchByteCount`
/// bytes, be 16-byte aligned and not be shared between running calls. `input` and `output` must
/// not overlap.
public func depthwiseConvolutionFloatFast(_ packed: PackedDepthwiseConvolutionFloat, input: UnsafePointer<Float>,
                                          output: UnsafeMutablePointer<Float>, rows: Range<Int>,
                                          scratch: UnsafeMutableRawPointer) {
    let g = packed.geometry
    let taps = packed.taps
    let rowInputs = scratch.bindMemory(to: UnsafePointer<Float>.self, capacity: g.filterHeight + taps)
    let rowTaps = rowInputs + g.filterHeight
    let rowLength = g.inputWidth * g.inputChannels
    let zeros = (scratch + packed.pointerBytes).bindMemory(to: Float.self, capacity: rowLength)
    zeros.update(repeating: 0, count: rowLength)
    let zeroRow = UnsafePointer(zeros)
    // Output columns whose taps all fall inside the input's width.
    let firstInside = min((max(g.padLeft, 0) + g.strideWidth - 1) / g.strideWidth, g.outputWidth)
    let lastLeft = g.inputWidth - 1 + g.padLeft - (g.filterWidth - 1) * g.dilationWidth
    let endInside = max(firstInside, min(g.outputWidth, lastLeft < 0 ? 0 : lastLeft / g.strideWidth + 1))
    let pixelStep = g.strideWidth * g.inputChannels
    let channels = g.outputChannels
    let vectorChannels = packed.vectorChannels
    packed.weights.withUnsafeBufferPointer { weights in
        packed.bias.withUnsafeBufferPointer { bias in
            let kernel = DepthwiseFloatKernel(packed: packed, weights: weights.baseAddress!, bias: bias.baseAddress!,
                                              rowInputs: UnsafePointer(rowInputs), zeroRow: zeroRow)
            for row in rows {
                let batch = row / g.outputHeight
                let top = (row % g.outputHeight) * g.strideHeight - g.padTop
                var tap = 0
                for fy in 0..<g.filterHeight {
                    let iy = top + fy * g.dilationHeight
                    rowInputs[fy] = iy >= 0 && iy < g.inputHeight ? input + (batch * g.inputHeight + iy) * rowLength : zeroRow
                    // Where output column 0 would read; column x reads `x * pixelStep` further.
                    for fx in 0..<g.filterWidth {
                        rowTaps[tap] = rowInputs[fy] + (fx * g.dilationWidth - g.padLeft) * g.inputChannels
                        tap += 1
                    }
                }
                let out = output + row * g.outputWidth * channels
                if vectorChannels > 0 && endInside > firstInside {
                    let interior = FloatTaps(pointers: UnsafePointer(rowTaps), offset: firstInside * pixelStep,
                                             pixelStep: pixelStep)
                    let pixels = endInside - firstInside
                    if g.filterHeight == 3 && g.filterWidth == 3 {
                        kernel.interior3x3(interior, pixels: pixels, to: out + firstInside * channels)
                    } else {
                        kernel.interior(interior, pixels: pixels, to: out + firstInside * channels)
                    }
                    for x in firstInside..<endInside where vectorChannels < channels {
                        kernel.pixelByChannel(x: x, channels: vectorChannels..<channels, to: out + x * channels)
                    }
                }
                for x in 0..<g.outputWidth where vectorChannels == 0 || x < firstInside || x >= endInside {
                    kernel.borderPixel(x: x, to: out + x * channels)
                    kernel.pixelByChannel(x: x, channels: vectorChannels..<channels, to: out + x * channels)
                }
            }
        }
    }
}

/// Where the taps of a row of output pixels read: tap `t` of pixel `i` reads channel `c` at
/// `pointers[t] + offset + i * pixelStep + c`.
struct FloatTaps {
    var pointers: UnsafePointer<UnsafePointer<Float>>
    var offset: Int
    var pixelStep: Int
}

/// The packed constants of one call, unpacked into pointers.
struct DepthwiseFloatKernel {
    let packed: PackedDepthwiseConvolutionFloat
    let weights: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
    /// The input row of each filter row (`zeroRow` in the padding).
    let rowInputs: UnsafePointer<UnsafePointer<Float>>
    let zeroRow: UnsafePointer<Float>

    /// `pixels` adjacent interior pixels, multiplier 1, the first `vectorChannels` channels.
    @inline(__always)
    func interior(_ taps: FloatTaps, pixels: Int, to output: UnsafeMutablePointer<Float>) {
        let channels = packed.geometry.outputChannels
        let tapCount = packed.taps
        let low = SIMD8<Float>(repeating: packed.activationMin), high = SIMD8<Float>(repeating: packed.activationMax)
        var c = 0
        while c < packed.vectorChannels {
            let start = loadVector(bias + c, as: SIMD8<Float>.self)
            var x = 0
            while x < pixels {
                let count = min(4, pixels &- x)
                let o0 = taps.offset &+ x &* taps.pixelStep &+ c
                let o1 = count > 1 ? o0 &+ taps.pixelStep : o0
                let o2 = count > 2 ? o0 &+ 2 &* taps.pixelStep : o1
                let o3 = count > 3 ? o0 &+ 3 &* taps.pixelStep : o2
                var a0 = start, a1 = start, a2 = start, a3 = start
                for t in 0..<tapCount {
                    let p = taps.pointers[t]
                    let w = loadVector(weights + (t &* channels &+ c), as: SIMD8<Float>.self)
                    a0.addProduct(loadVector(p + o0, as: SIMD8<Float>.self), w)
                    a1.addProduct(loadVector(p + o1, as: SIMD8<Float>.self), w)
                    a2.addProduct(loadVector(p + o2, as: SIMD8<Float>.self), w)
                    a3.addProduct(loadVector(p + o3, as: SIMD8<Float>.self), w)
                }
                storeFour(a0, a1, a2, a3, count: count, low, high, to: output + (x &* channels &+ c), stride: channels)
                x &+= 4
            }
            c &+= 8
        }
    }

    /// `interior` for a 3x3 filter: each block of 8 channels keeps its 9 weight vectors and tap
    /// pointers in registers along the row.
    @inline(__always)
    func interior3x3(_ taps: FloatTaps, pixels: Int, to output: UnsafeMutablePointer<Float>) {
        let channels = packed.geometry.outputChannels
        let low = SIMD8<Float>(repeating: packed.activationMin), high = SIMD8<Float>(repeating: packed.activationMax)
        let step = taps.pixelStep
        let t0 = taps.pointers[0] + taps.offset, t1 = taps.pointers[1] + taps.offset, t2 = taps.pointers[2] + taps.offset
        let t3 = taps.pointers[3] + taps.offset, t4 = taps.pointers[4] + taps.offset, t5 = taps.pointers[5] + taps.offset
        let t6 = taps.pointers[6] + taps.offset, t7 = taps.pointers[7] + taps.offset, t8 = taps.pointers[8] + taps.offset
        var c = 0
        while c < packed.vectorChannels {
            @inline(__always) func weight(_ t: Int) -> SIMD8<Float> { loadVector(weights + (t &* channels &+ c), as: SIMD8<Float>.self) }
            let w0 = weight(0), w1 = weight(1), w2 = weight(2), w3 = weight(3), w4 = weight(4)
            let w5 = weight(5), w6 = weight(6), w7 = weight(7), w8 = weight(8)
            let start = loadVector(bias + c, as: SIMD8<Float>.self)
            // Two chains per pixel (taps 0-4 from the bias, 5-8 from zero) halve the FMA latency.
            @inline(__always) func pixel(_ o: Int) -> SIMD8<Float> {
                var a = start
                var b = SIMD8<Float>()
                a.addProduct(loadVector(t0 + o, as: SIMD8<Float>.self), w0)
                b.addProduct(loadVector(t5 + o, as: SIMD8<Float>.self), w5)
                a.addProduct(loadVector(t1 + o, as: SIMD8<Float>.self), w1)
                b.addProduct(loadVector(t6 + o, as: SIMD8<Float>.self), w6)
                a.addProduct(loadVector(t2 + o, as: SIMD8<Float>.self), w2)
                b.addProduct(loadVector(t7 + o, as: SIMD8<Float>.self), w7)
                a.addProduct(loadVector(t3 + o, as: SIMD8<Float>.self), w3)
                b.addProduct(loadVector(t8 + o, as: SIMD8<Float>.self), w8)
                a.addProduct(loadVector(t4 + o, as: SIMD8<Float>.self), w4)
                return a + b
            }
            var x = 0
            var o = c
            var out = output + c
            while x &+ 4 <= pixels {
                let a0 = pixel(o), a1 = pixel(o &+ step), a2 = pixel(o &+ 2 &* step), a3 = pixel(o &+ 3 &* step)
                storeFour(a0, a1, a2, a3, count: 4, low, high, to: out, stride: channels)
                x &+= 4
                o &+= 4 &* step
                out += 4 &* channels
            }
            while x < pixels {
                storeVector(clamped(pixel(o), low, high), to: out)
                x &+= 1
                o &+= step
                out += channels
            }
            c &+= 8
        }
    }

    /// The first `vectorChannels` channels of column `x` (`output` at the pixel's channel 0), 8 at
    /// a time, each tap checked against the input's width: columns in the padding. A 3x3 filter
    /// sums in `interior3x3`'s two chains (taps 0-4 from the bias, 5-8 from zero), so a column gives
    /// the same values whether its padding is implicit or an explicit PAD's zeros (a skipped tap
    /// and a tap reading zero add the same nothing).
    func borderPixel(x: Int, to output: UnsafeMutablePointer<Float>) {
        let g = packed.geometry
        let left = x * g.strideWidth - g.padLeft
        let low = SIMD8<Float>(repeating: packed.activationMin), high = SIMD8<Float>(repeating: packed.activationMax)
        let split = g.filterHeight == 3 && g.filterWidth == 3 ? 5 : packed.taps
        var c = 0
        while c < packed.vectorChannels {
            var sum = loadVector(bias + c, as: SIMD8<Float>.self)
            var second = SIMD8<Float>()
            var tap = 0
            for fy in 0..<g.filterHeight {
                let row = rowInputs[fy]
                for fx in 0..<g.filterWidth {
                    let ix = left + fx * g.dilationWidth
                    if ix >= 0 && ix < g.inputWidth {
                        let value = loadVector(row + (ix * g.inputChannels + c), as: SIMD8<Float>.self)
                        let weight = loadVector(weights + (tap * g.outputChannels + c), as: SIMD8<Float>.self)
                        if tap < split {
                            sum.addProduct(value, weight)
                        } else {
                            second.addProduct(value, weight)
                        }
                    }
                    tap += 1
                }
            }
            if split < packed.taps { sum += second }
            storeVector(clamped(sum, low, high), to: output + c)
            c &+= 8
        }
    }

    /// Output channels `channels` of column `x` (`output` at the pixel's channel 0), one by one,
    /// each tap checked against the input's width (rows in the padding read zeros): padding
    /// columns, the channels after the last whole 8, and depth multipliers other than 1.
    func pixelByChannel(x: Int, channels: Range<Int>, to output: UnsafeMutablePointer<Float>) {
        let g = packed.geometry
        let multiplier = packed.depthMultiplier
        let left = x * g.strideWidth - g.padLeft
        for oc in channels {
            let ic = oc / multiplier
            var sum = bias[oc]
            var tap = 0
            for fy in 0..<g.filterHeight {
                let row = rowInputs[fy]
                for fx in 0..<g.filterWidth {
                    let ix = left + fx * g.dilationWidth
                    if ix >= 0 && ix < g.inputWidth {
                        sum = sum.addingProduct(row[ix * g.inputChannels + ic], weights[tap * g.outputChannels + oc])
                    }
                    tap += 1
                }
            }
            let clampedLow = sum < packed.activationMin ? packed.activationMin : sum
            output[oc] = clampedLow > packed.activationMax ? packed.activationMax : clampedLow
        }
    }
}

/// Clamps and stores the first `count` (1...4) of four pixels' 8 channels, `stride` floats apart.
@_transparent
func storeFour(_ a0: SIMD8<Float>, _ a1: SIMD8<Float>, _ a2: SIMD8<Float>, _ a3: SIMD8<Float>, count: Int,
               _ low: SIMD8<Float>, _ high: SIMD8<Float>, to output: UnsafeMutablePointer<Float>, stride: Int) {
    storeVector(clamped(a0, low, high), to: output)
    guard count > 1 else { return }
    storeVector(clamped(a1, low, high), to: output + stride)
    guard count > 2 else { return }
    storeVector(clamped(a2, low, high), to: output + 2 &* stride)
    guard count > 3 else { return }
    storeVector(clamped(a3, low, high), to: output + 3 &* stride)
}
