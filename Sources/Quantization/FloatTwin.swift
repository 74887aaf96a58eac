import Detection
import TFLiteFormat
import Training

/// The float32 twin of an int8 `.tflite` of the model zoo's SSD: every constant dequantized
/// exactly, activations float32, and the input QUANTIZE, the QUANTIZE after SOFTMAX and the
/// output DEQUANTIZE removed, so the graph reads float32 `[1, S, S, 3]` (already rescaled) and
/// writes float32 `[1, anchors, classes + 9]`: the graph `FloatModelExport` writes.
public struct FloatTwin {
    public let architecture: SSDArchitecture
    /// The int8 file's input quantization, which turns its uint8 inputs into the twin's.
    public let inputScale: Float
    public let inputZeroPoint: Int
    public let model: TFLiteModel

    public init(quantized: TFLiteModel) throws(FloatExportError) {
        guard quantized.subgraphs.count == 1, let graph = quantized.subgraphs.first else {
            throw .notAnSSD(reason: "it has \(quantized.subgraphs.count) subgraphs; the zoo's SSD has one")
        }
        let tensors = graph.tensors
        func checked(_ index: Int32, _ what: String) throws(FloatExportError) -> Int32 {
            guard index >= 0, Int(index) < tensors.count else {
                throw .malformedModel(reason: "\(what) refers to tensor \(index); the graph has \(tensors.count)")
            }
            return index
        }
        guard graph.inputs.count == 1, graph.outputs.count == 1 else {
            throw .notAnSSD(reason: "it has \(graph.inputs.count) inputs and \(graph.outputs.count) outputs; the zoo's SSD has one of each")
        }
        let graphInput = try checked(graph.inputs[0], "the graph input"), graphOutput = try checked(graph.outputs[0], "the graph output")
        guard let inputQuantization = tensors[Int(graphInput)].quantization, inputQuantization.scale.count == 1,
              tensors[Int(graphInput)].type == .uint8 || tensors[Int(graphInput)].type == .int8 else {
            throw .notAnSSD(reason: "its input '\(tensors[Int(graphInput)].name)' is not a quantized uint8 or int8 tensor")
        }

        // Drop the (de)quantizing operators: their readers read the source instead, except that
        // the producer of the graph output's source writes the graph output itself.
        var replacement: [Int32: Int32] = [:]
        var kept: [Operator] = [], builtins: [BuiltinOperator] = []
        for (position, op) in graph.operators.enumerated() {
            guard Int(op.opcodeIndex) < quantized.operatorCodes.count else {
                throw .malformedModel(reason: "operator \(position) has opcode index \(op.opcodeIndex); the model has \(quantized.operatorCodes.count) codes")
            }
            for index in op.inputs + op.outputs { _ = try checked(index, "operator \(position)") }
            let code = quantized.operatorCodes[Int(op.opcodeIndex)].builtinCode
            guard code == .quantize || code == .dequantize else {
                kept.append(op)
                builtins.append(code)
                continue
            }
            guard op.inputs.count == 1, op.outputs.count == 1,
                  tensors[Int(op.inputs[0])].shape == tensors[Int(op.outputs[0])].shape else {
                throw .malformedModel(reason: "\(code) operator \(position) does not map one tensor to one of the same shape")
            }
            if op.outputs[0] == graphOutput { replacement[op.inputs[0]] = op.outputs[0] } else { replacement[op.outputs[0]] = op.inputs[0] }
        }
        func resolved(_ index: Int32) -> Int32 {
            var current = index
            // Each step follows one removed operator, so there are at most that many.
            for _ in 0...replacement.count {
                guard let next = replacement[current] else { break }
                current = next
            }
            return current
        }
        for position in kept.indices {
            kept[position].inputs = kept[position].inputs.map(resolved)
            kept[position].outputs = kept[position].outputs.map(resolved)
        }
        let input = resolved(graphInput), output = resolved(graphOutput)
        guard input == graphInput, output == graphOutput else {
            throw .notAnSSD(reason: "its input and output are joined by (de)quantizing operators alone")
        }

        architecture = try Self.architecture(graph, operators: kept, builtins: builtins, input: input, output: output)
        inputScale = inputQuantization.scale[0]
        inputZeroPoint = Int(inputQuantization.zeroPoint.first ?? 0)

        // Keep the tensors still in use, in file order, each float32 unless it holds int32 shape values.
        var used = Set(kept.flatMap { $0.inputs + $0.outputs })
        used.formUnion([input, output])
        var newIndex: [Int32: Int32] = [:]
        var floatTensors: [Tensor] = []
        var buffers = [Buffer()]
        for index in used.sorted() {
            var tensor = tensors[Int(index)]
            guard Int(tensor.buffer) < quantized.buffers.count else {
                throw .malformedModel(reason: "tensor '\(tensor.name)' refers to buffer \(tensor.buffer); the model has \(quantized.buffers.count)")
            }
            let data = quantized.buffers[Int(tensor.buffer)].data
            let converted = try Self.float(tensor, data: data)
            tensor.type = converted.type
            tensor.quantization = converted.type == .float32 ? nil : tensor.quantization
            tensor.buffer = 0
            if let bytes = converted.bytes {
                tensor.buffer = UInt32(buffers.count)
                buffers.append(Buffer(data: ArraySlice(bytes)))
            }
            newIndex[index] = Int32(floatTensors.count)
            floatTensors.append(tensor)
        }
        for position in kept.indices {
            kept[position].inputs = kept[position].inputs.map { newIndex[$0] ?? $0 }
            kept[position].outputs = kept[position].outputs.map { newIndex[$0] ?? $0 }
        }
        let codes = FloatOperatorVersions.codes(for: &kept, builtins: builtins)
        let twin = Subgraph(name: graph.name, tensors: floatTensors, inputs: [newIndex[input] ?? input],
                            outputs: [newIndex[output] ?? output], operators: kept)
        model = TFLiteModel(description: "TinySSD float twin: \(architecture.summary), constants dequantized",
                            operatorCodes: codes, subgraphs: [twin], buffers: buffers)
    }

    /// `float32(scale · (q − zeroPoint))` of each value of a quantized input, in Double.
    public func floatInput(fromQuantized bytes: [UInt8]) -> [Float] {
        bytes.map { Float(Double(inputScale) * Double(Int($0) - inputZeroPoint)) }
    }

    /// The tensor's twin type and, for a constant, its bytes.
    private static func float(_ tensor: Tensor, data: ArraySlice<UInt8>) throws(FloatExportError) -> (type: TensorType, bytes: [UInt8]?) {
        let constant = !data.isEmpty
        switch (tensor.type, tensor.quantization) {
        case (.float32, _):
            return (.float32, constant ? Array(data) : nil)
        case (.int32, nil):
            return (.int32, constant ? Array(data) : nil)
        case (.int8, let q?), (.uint8, let q?), (.int32, let q?):
            guard constant else { return (.float32, nil) }
            return (.float32, float32Bytes(try ConstantDequantization.values(of: tensor, data: data, quantization: q)))
        default:
            throw .unsupportedTensor(name: tensor.name, reason: "\(tensor.type) \(tensor.quantization == nil ? "without" : "with") quantization has no float32 twin")
        }
    }

    /// The architecture the shapes give: input side, classes from the output's columns, alpha
    /// from the first convolution's channels (32 x alpha); the output must have its anchor rows.
    private static func architecture(_ graph: Subgraph, operators: [Operator], builtins: [BuiltinOperator],
                                     input: Int32, output: Int32) throws(FloatExportError) -> SSDArchitecture {
        let inputShape = graph.tensors[Int(input)].shape.map(Int.init)
        let outputShape = graph.tensors[Int(output)].shape.map(Int.init)
        guard inputShape.count == 4, inputShape[0] == 1, inputShape[1] == inputShape[2], inputShape[3] == 3,
              outputShape.count == 3, outputShape[0] == 1, outputShape[2] > 9 else {
            throw .notAnSSD(reason: "its input is \(inputShape) and its output \(outputShape); the zoo's SSD maps [1, S, S, 3] to [1, anchors, classes + 9]")
        }
        guard let first = zip(operators, builtins).first(where: { $0.1 == .conv2D })?.0, first.outputs.count == 1 else {
            throw .notAnSSD(reason: "it has no CONV_2D")
        }
        let firstShape = graph.tensors[Int(first.outputs[0])].shape
        guard firstShape.count == 4 else { throw .notAnSSD(reason: "its first CONV_2D's output has shape \(firstShape)") }
        let architecture: SSDArchitecture
        do {
            architecture = try SSDArchitecture(alpha: Double(firstShape[3]) / 32, inputSize: inputShape[1],
                                               classCount: outputShape[2] - 9)
        } catch {
            throw .notAnSSD(reason: error.description)
        }
        guard architecture.anchorCount == outputShape[1] else {
            throw .notAnSSD(reason: "its output has \(outputShape[1]) rows; the zoo's SSD at \(inputShape[1]) has \(architecture.anchorCount) anchors")
        }
        return architecture
    }
}
