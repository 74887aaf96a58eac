import Training

/// One convolution of a trained `SSDNetwork` with its inference batch normalization folded in,
/// in TFLite's filter layout: `w' = w·γ/√(var+ε)`, `b' = (b − mean)·γ/√(var+ε) + β`, computed in
/// Double and stored as float32 (`b = 0` for MobileNet's convolutions, which have no bias).
struct FoldedConvolution {
    /// `[out, kh, kw, in]` for CONV_2D, `[1, kh, kw, channels]` for DEPTHWISE_CONV_2D.
    let filter: [Float]
    let filterShape: [Int]
    let bias: [Float]

    /// `layer` names the convolution's parameters (`conv_pw_3/kernel`, `conv_dw_3/depthwise_kernel`,
    /// `fmap_0_conv/bias`), `normalization` its batch normalization (`conv_pw_3_bn/gamma`, ...).
    init(_ network: SSDNetwork, layer: String, normalization: String, depthwise: Bool, kernelSize: Int,
         inputChannels: Int, outputChannels: Int) throws(FloatExportError) {
        let k = kernelSize, channels = outputChannels
        let kernelShape = depthwise ? [k, k, channels, 1] : [k, k, inputChannels, channels]
        let kernel = try Self.values(network, depthwise ? "\(layer)/depthwise_kernel" : "\(layer)/kernel", shape: kernelShape)
        let gamma = try Self.values(network, "\(normalization)/gamma", shape: [channels])
        let beta = try Self.values(network, "\(normalization)/beta", shape: [channels])
        let mean = try Self.values(network, "\(normalization)/moving_mean", shape: [channels])
        let variance = try Self.values(network, "\(normalization)/moving_variance", shape: [channels])
        // MobileNet's convolutions have no bias; the SSD's have one.
        let convolutionBias = network.parameterTable.entry(named: "\(layer)/bias") == nil
            ? [Float](repeating: 0, count: channels) : try Self.values(network, "\(layer)/bias", shape: [channels])

        let epsilon = SSDNetwork.batchNormalizationEpsilon
        let factors = (0..<channels).map { Double(gamma[$0]) / (Double(variance[$0]) + epsilon).squareRoot() }
        bias = (0..<channels).map { Float((Double(convolutionBias[$0]) - Double(mean[$0])) * factors[$0] + Double(beta[$0])) }
        if depthwise {
            // Keras [kh, kw, channels, 1] and TFLite [1, kh, kw, channels] share one memory order.
            filterShape = [1, k, k, channels]
            filter = kernel.indices.map { Float(Double(kernel[$0]) * factors[$0 % channels]) }
        } else {
            // Keras [kh, kw, in, out] to TFLite [out, kh, kw, in].
            filterShape = [channels, k, k, inputChannels]
            let patch = k * k * inputChannels
            var values = [Float](repeating: 0, count: kernel.count)
            for out in 0..<channels {
                for p in 0..<patch { values[out * patch + p] = Float(Double(kernel[p * channels + out]) * factors[out]) }
            }
            filter = values
        }
    }

    private static func values(_ network: SSDNetwork, _ name: String, shape: [Int]) throws(FloatExportError) -> [Float] {
        guard let entry = network.parameterTable.entry(named: name), entry.shape == shape else {
            throw .missingParameter(name: name, expectedShape: shape)
        }
        let source = entry.role.isTrainable ? UnsafeBufferPointer(network.parameters) : UnsafeBufferPointer(network.movingStatistics)
        return Array(source[entry.offset..<(entry.offset + entry.count)])
    }
}
