/// Reference int8 CONV_2D with per-channel requantization, as LiteRT computes it on x86.
///
/// Out-of-image taps are skipped, which equals padding with the input zero point.
public func convolutionInt8Reference(
    _ g: ConvolutionGeometry, _ q: ChannelRequantization,
    input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
    output: UnsafeMutablePointer<Int8>
) {
    for b in 0..<g.batches {
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let outputBase = ((b * g.outputHeight + oy) * g.outputWidth + ox) * g.outputChannels
                for oc in 0..<g.outputChannels {
                    var accumulator: Int32 = 0
                    for fy in 0..<g.filterHeight {
                        let iy = oy * g.strideHeight - g.padTop + fy * g.dilationHeight
                        if iy < 0 || iy >= g.inputHeight { continue }
                        for fx in 0..<g.filterWidth {
                            let ix = ox * g.strideWidth - g.padLeft + fx * g.dilationWidth
                            if ix < 0 || ix >= g.inputWidth { continue }
                            let inputBase = ((b * g.inputHeight + iy) * g.inputWidth + ix) * g.inputChannels
                            let filterBase = ((oc * g.filterHeight + fy) * g.filterWidth + fx) * g.inputChannels
                            for ic in 0..<g.inputChannels {
                                let x = Int32(input[inputBase + ic]) &+ q.inputOffset
                                accumulator = accumulator &+ x &* Int32(filter[filterBase + ic])
                            }
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

/// Reference float32 CONV_2D with a fused activation clamp.
public func convolutionFloatReference(
    _ g: ConvolutionGeometry, input: UnsafePointer<Float>, filter: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, activationMin: Float, activationMax: Float,
    output: UnsafeMutablePointer<Float>
) {
    for b in 0..<g.batches {
        for oy in 0..<g.outputHeight {
            for ox in 0..<g.outputWidth {
                let outputBase = ((b * g.outputHeight + oy) * g.outputWidth + ox) * g.outputChannels
                for oc in 0..<g.outputChannels {
                    var sum: Float = 0
                    for fy in 0..<g.filterHeight {
                        let iy = oy * g.strideHeight - g.padTop + fy * g.dilationHeight
                        if iy < 0 || iy >= g.inputHeight { continue }
                        for fx in 0..<g.filterWidth {
                            let ix = ox * g.strideWidth - g.padLeft + fx * g.dilationWidth
                            if ix < 0 || ix >= g.inputWidth { continue }
                            let inputBase = ((b * g.inputHeight + iy) * g.inputWidth + ix) * g.inputChannels
                            let filterBase = ((oc * g.filterHeight + fy) * g.filterWidth + fx) * g.inputChannels
                            for ic in 0..<g.inputChannels {
                                sum += input[inputBase + ic] * filter[filterBase + ic]
                            }
                        }
                    }
                    if let bias { sum += bias[oc] }
                    output[outputBase + oc] = min(max(sum, activationMin), activationMax)
                }
            }
        }
    }
}
