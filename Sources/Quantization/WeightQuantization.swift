import TFLiteFormat

/// Whether a convolution's weights get one scale per output channel or one for the whole filter
/// (the zoo's `granularity`).
public enum WeightGranularity: String, Sendable, CaseIterable, Codable {
    case perChannel = "per_channel"
    case perTensor = "per_tensor"
}

/// A convolution's int8 filter and int32 bias, quantized as TensorFlow 2.21's MLIR converter does
/// it (QUANTIZATION.md, "The weight-scale rule"), checked channel by channel against the three
/// reference models:
/// 1. M = max|w| of the channel (of the whole filter per tensor);
/// 2. 2M <= 1e-6 (dead channels) gives the fixed scale float32(1e-6 / 254);
/// 3. s = float32(2M / 254);
/// 4. when the bias would need more than 2^30 - 1 steps of `inputScale * s`
///    (`SetBiasParamsWithAdjustments`), the bias scale becomes |b| / (2^30 - 1) and s that divided
///    by the input scale;
/// 5. q = round half away from zero(w * float32(1 / s)) clamped to [-127, 127]; bias q = round(b / bias scale)
///    in float32.
public struct QuantizedConvolutionWeights: Equatable, Sendable {
    public var filter: [Int8]
    public var filterScales: [Float]
    public var bias: [Int32]
    public var biasScales: [Float]
    /// Channels whose scale step 4 raised to fit the bias.
    public var raisedChannels: [Int]

    static let biasSteps: Double = 1_073_741_823

    /// `filter` in TFLite layout with `channels` slices along `channelDimension` (0 for CONV_2D,
    /// the last for DEPTHWISE_CONV_2D); `bias` one value per channel.
    public init(filter: [Float], shape: [Int], channelDimension: Int, bias: [Float], inputScale: Float,
                granularity: WeightGranularity) {
        let channels = shape[channelDimension]
        let inner = shape[(channelDimension + 1)...].reduce(1, *)
        func channel(of index: Int) -> Int { (index / inner) % channels }

        var largest = [Float](repeating: 0, count: channels)
        for (index, w) in filter.enumerated() { largest[channel(of: index)] = max(largest[channel(of: index)], abs(w)) }
        if granularity == .perTensor { largest = [largest.max() ?? 0] }

        var scales = largest.map { m -> Float in
            let m = 2 * Double(m) <= 1e-6 ? 0.5e-6 : Double(m)
            return Float(2 * m / 254)
        }
        var biasScales = scales.map { Float(Double(inputScale) * Double($0)) }
        var raised: [Int] = []
        let biasLimits: [Float] = granularity == .perTensor ? [bias.map(abs).max() ?? 0] : bias.map(abs)
        for c in scales.indices where Double(biasLimits[c]) / Self.biasSteps > Double(inputScale) * Double(scales[c]) {
            let biasScale = Double(biasLimits[c]) / Self.biasSteps
            biasScales[c] = Float(biasScale)
            scales[c] = Float(biasScale / Double(inputScale))
            raised.append(c)
        }

        let reciprocals = scales.map { Float(1) / $0 }
        self.filter = filter.enumerated().map { index, w in
            let c = granularity == .perTensor ? 0 : channel(of: index)
            let q = (w * reciprocals[c]).rounded(.toNearestOrAwayFromZero)
            return Int8(min(max(q, -127), 127))
        }
        // In float32, as the converter (the reference files' large biases are multiples of 64).
        self.bias = bias.enumerated().map { c, b in
            let q = Double((b / biasScales[granularity == .perTensor ? 0 : c]).rounded(.toNearestOrAwayFromZero))
            return Int32(min(max(q, Double(Int32.min)), Double(Int32.max)))
        }
        filterScales = scales
        self.biasScales = biasScales
        raisedChannels = raised
    }
}
