/// The element type of the quantized model's input or output (the zoo's
/// `quantization_input_type` / `quantization_output_type`).
public enum InterfaceType: String, Sendable, CaseIterable, Codable {
    case uint8, int8, float
}

/// Which TFLite converter's choices to reproduce where converters differ.
public enum ConverterBehavior: String, Sendable, CaseIterable, Codable {
    /// TensorFlow 2.21 (the one `scripts/tf-reference.sh` runs): ADD's first input is calibrated over the ADD's output too.
    case tensorflow2_21
    /// The older converter that made the model zoo's reference files: every ADD input keeps its own range.
    case zooReferenceModels
}

/// What the quantizer makes of a float graph.
public struct QuantizationOptions: Equatable, Sendable {
    public var granularity: WeightGranularity
    public var inputType: InterfaceType
    public var outputType: InterfaceType
    /// Dequantize each branch of the output concatenation (scores, boxes, anchors) on its own
    /// scale and concatenate in float32, instead of forcing all three onto the concatenation's
    /// scale as the converter does (scores then come in steps of that scale). Needs float output.
    public var separateOutputScales: Bool
    public var converter: ConverterBehavior

    /// The model zoo's deployment setting: per-channel weights, uint8 in, float out.
    public init(granularity: WeightGranularity = .perChannel, inputType: InterfaceType = .uint8,
                outputType: InterfaceType = .float, separateOutputScales: Bool = false,
                converter: ConverterBehavior = .tensorflow2_21) {
        self.granularity = granularity
        self.inputType = inputType
        self.outputType = outputType
        self.separateOutputScales = separateOutputScales
        self.converter = converter
    }
}
