/// Reference int8 DEPTHWISE_CONV_2D with per-channel requantization, as LiteRT computes it on x86.
///
/// Output channel `oc` reads input channel `oc / depthMultiplier`.
public func depthwiseConvolutionInt8Reference(
    _ g: ConvolutionGeometry, depthMultiplier: Int, _ q: ChannelRequantization,
    input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
    output: UnsafeMutablePointer<Int8>
) {
    g.forEachOutputPixel { b, y, x, pixel in
        for oc in 0..<g.outputChannels {
            let ic = oc / depthMultiplier
            var accumulator = bias?[oc] ?? 0
            g.forEachTap(batch: b, y: y, x: x) { inputPixel, tap in
                let value = Int32(input[inputPixel * g.inputChannels + ic]) &+ q.inputOffset
                accumulator = accumulator &+ value &* Int32(filter[tap * g.outputChannels + oc])
            }
            output[pixel * g.outputChannels + oc] = q.output(accumulator, channel: oc)
        }
    }
}

/// Reference float32 DEPTHWISE_CONV_2D with a fused activation clamp.
public func depthwiseConvolutionFloatReference(
    _ g: ConvolutionGeometry, depthMultiplier: Int, input: UnsafePointer<Float>,
    filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?, activationMin: Float,
    activationMax: Float, output: UnsafeMutablePointer<Float>
) {
    g.forEachOutputPixel { b, y, x, pixel in
        for oc in 0..<g.outputChannels {
            let ic = oc / depthMultiplier
            var sum: Float = 0
            g.forEachTap(batch: b, y: y, x: x) { inputPixel, tap in
                sum += input[inputPixel * g.inputChannels + ic] * filter[tap * g.outputChannels + oc]
            }
            if let bias { sum += bias[oc] }
            output[pixel * g.outputChannels + oc] = min(max(sum, activationMin), activationMax)
        }
    }
}
