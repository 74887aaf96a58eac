import TFLiteFormat

/// Turns a float32 `.tflite` graph and its calibrated ranges into the int8 graph the TFLite
/// converter's post-training quantization makes (QUANTIZATION.md):
/// - activations per-tensor asymmetric int8 from their ranges (`AffineQuantization`), shared
///   through the operators whose kernels need equal parameters (`ScaleGroups`), SOFTMAX's output
///   fixed at 1/256, -128 with a QUANTIZE re-mapping it where its consumer needs other parameters;
/// - CONV_2D / DEPTHWISE_CONV_2D filters symmetric int8 per channel (or per tensor), biases int32
///   (`QuantizedConvolutionWeights`);
/// - a QUANTIZE on the input (uint8 or float interface) and a DEQUANTIZE (float) or QUANTIZE
///   (uint8) on the output; int32 shape computations are left as they are.
/// Operators keep their order; the inserted ones go right before (input) or after (softmax,
/// output) the operator they serve, where the reference models have them.
public struct GraphQuantizer {
    public let options: QuantizationOptions

    public init(options: QuantizationOptions = QuantizationOptions()) {
        self.options = options
    }

    /// What quantizing one model gave, besides the model: for reports and tests.
    public struct Result {
        public var model: TFLiteModel
        /// Parameters of every int8 activation tensor of `model`, by its index there.
        public var activations: [Int: AffineQuantization]
        /// Channels whose weight scale was raised to fit the bias, by convolution tensor name.
        public var raisedChannels: [String: [Int]]
    }

    public func quantize(_ model: TFLiteModel, ranges: [Int: ValueRange]) throws(QuantizationError) -> Result {
        let float = try FloatGraph(model)
        let plan = try ParameterPlan(float, ranges: ranges, options: options)
        var rewrite = GraphRewrite(float, plan: plan)
        try rewrite.quantizeActivations()
        try rewrite.quantizeWeights(granularity: options.granularity)
        try rewrite.rewriteOperators(inputType: options.inputType, outputType: options.outputType)
        return Result(model: rewrite.model(), activations: rewrite.parameters, raisedChannels: rewrite.raised)
    }

    /// True for operators whose fused activation clamps (ReLU, ReLU6, ReLU1).
    static func hasFusedClamp(_ options: BuiltinOptions) -> Bool {
        let activation: FusedActivation
        switch options {
        case .conv2D(let o): activation = o.activation
        case .depthwiseConv2D(let o): activation = o.activation
        case .add(let o): activation = o.activation
        case .concatenation(let o): activation = o.activation
        default: return false
        }
        return activation == .relu || activation == .relu6 || activation == .reluN1To1
    }

    /// The operator versions the converter writes for the int8 forms (as in the reference models).
    static func int8Version(_ code: BuiltinOperator) -> Int32 {
        switch code {
        case .conv2D, .depthwiseConv2D, .tile, .resizeBilinear: return 3
        case .pad, .mean, .add, .concatenation, .softmax, .dequantize: return 2
        default: return 1
        }
    }
}
