/// Reference int8 DEPTHWISE_CONV_2D with per-channel requantization, as LiteRT computes it on x86
/// (ties rounded upward, like CONV_2D).
///
/// Output channel `oc` reads input channel `oc / depthMultiplier`.
public func depthwiseConvolutionInt8Reference(
    _ g: ConvolutionGeometry, depthMultiplier: Int, _ q: ChannelRequantization,
    input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
    output: UnsafeMutablePointer<Int8>
) {
    for b in 0..<g.batches {
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let outputBase = ((b * g.outputHeight + oy) * g.outputWidth + ox) * g.outputChannels
                for oc in 0..<g.outputChannels {
                    let ic = oc / depthMultiplier
                    var accumulator: Int32 = 0
                    for fy in 0..<g.filterHeight {
                        let iy = oy * g.strideHeight - g.padTop + fy * g.dilationHeight
                        if iy < 0 || iy >= g.inputHeight { continue }
                        for fx in 0..<g.filterWidth {
                            let ix = ox * g.strideWidth - g.padLeft + fx * g.dilationWidth
                            if ix < 0 || ix >= g.inputWidth { continue }
                            let x = Int32(input[((b * g.inputHeight + iy) * g.inputWidth + ix) * g.inputChannels + ic])
                            let w = Int32(filter[(fy * g.filterWidth + fx) * g.outputChannels + oc])
                            accumulator = accumulator &+ (x &+ q.inputOffset) &* w
                        }
                    }
                    if let bias { accumulator = accumulator &+ bias[oc] }
                    var value = multiplyByQuantizedMultiplierTiesUp(accumulator, q.multipliers[oc], q.shifts[oc])
                    value = value &+ q.outputZeroPoint
                    value = min(max(value, q.activationMin), q.activationMax)
                    output[outputBase + oc] = Int8(truncatingIfNeeded: value)
                }
            }
        }
    }
}

/// Reference float32 DEPTHWISE_CONV_2D with a fused activation clamp.
public func depthwiseConvolutionFloatReference(
    _ g: ConvolutionGeometry, depthMultiplier: Int, input: UnsafePointer<Float>,
    filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?, activationMin: Float,
    activationMax: Float, output: UnsafeMutablePointer<Float>
) {
    for b in 0..<g.batches {
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let outputBase = ((b * g.outputHeight + oy) * g.outputWidth + ox) * g.outputChannels
                for oc in 0..<g.outputChannels {
                    let ic = oc / depthMultiplier
                    var sum: Float = 0
                    for fy in 0..<g.filterHeight {
                        let iy = oy * g.strideHeight - g.padTop + fy * g.dilationHeight
                        if iy < 0 || iy >= g.inputHeight { continue }
                        for fx in 0..<g.filterWidth {
                            let ix = ox * g.strideWidth - g.padLeft + fx * g.dilationWidth
                            if ix < 0 || ix >= g.inputWidth { continue }
                            sum += input[((b * g.inputHeight + iy) * g.inputWidth + ix) * g.inputChannels + ic]
                                * filter[(fy * g.filterWidth + fx) * g.outputChannels + oc]
                        }
                    }
                    if let bias { sum += bias[oc] }
                    output[outputBase + oc] = min(max(sum, activationMin), activationMax)
                }
            }
        }
    }
}
