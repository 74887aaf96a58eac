/// Reference int8 CONV_2D with per-channel requantization, as LiteRT computes it on x86.
public func convolutionInt8Reference(
    _ g: ConvolutionGeometry, _ q: ChannelRequantization,
    input: UnsafePointer<Int8>, filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?,
    output: UnsafeMutablePointer<Int8>
) {
    let taps = g.filterHeight * g.filterWidth
    let channels = g.inputChannels
    g.forEachOutputPixel { b, y, x, pixel in
        for oc in 0..<g.outputChannels {
            var accumulator = bias?[oc] ?? 0
            g.forEachTap(batch: b, y: y, x: x) { inputPixel, tap in
                let pixelValues = input + inputPixel * channels
                let weights = filter + (oc * taps + tap) * channels
                for ic in 0..<channels {
                    accumulator = accumulator &+ (Int32(pixelValues[ic]) &+ q.inputOffset) &* Int32(weights[ic])
                }
            }
            output[pixel * g.outputChannels + oc] = q.output(accumulator, channel: oc)
        }
    }
}

/// Reference float32 CONV_2D with a fused activation clamp.
public func convolutionFloatReference(
    _ g: ConvolutionGeometry, input: UnsafePointer<Float>, filter: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, activationMin: Float, activationMax: Float,
    output: UnsafeMutablePointer<Float>
) {
    let taps = g.filterHeight * g.filterWidth
    let channels = g.inputChannels
    g.forEachOutputPixel { b, y, x, pixel in
        for oc in 0..<g.outputChannels {
            var sum: Float = 0
            g.forEachTap(batch: b, y: y, x: x) { inputPixel, tap in
                let pixelValues = input + inputPixel * channels
                let weights = filter + (oc * taps + tap) * channels
                for ic in 0..<channels { sum += pixelValues[ic] * weights[ic] }
            }
            if let bias { sum += bias[oc] }
            output[pixel * g.outputChannels + oc] = min(max(sum, activationMin), activationMax)
        }
    }
}
