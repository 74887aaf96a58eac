import TFLiteFormat

/// The int8 graph being written from a float graph and its `ParameterPlan`, one pass at a time:
/// activations, then convolution weights (which need their input's scale), then the operators
/// with the inserted QUANTIZE / DEQUANTIZE, then the buffers the result refers to.
struct GraphRewrite {
    let float: FloatGraph
    private var plan: ParameterPlan
    private var tensors: [Tensor]
    private var buffers: [Buffer]
    private var operatorCodes: [OperatorCode] = []
    private var operators: [Operator] = []
    private var graphInput: Int32
    private var graphOutput: Int32
    /// Parameters of every int8 activation, by tensor index in the new graph.
    private(set) var parameters: [Int: AffineQuantization] = [:]
    /// Channels whose weight scale was raised to fit the bias, by filter tensor name.
    private(set) var raised: [String: [Int]] = [:]

    init(_ float: FloatGraph, plan: ParameterPlan) {
        self.float = float
        self.plan = plan
        tensors = float.tensors
        buffers = float.model.buffers
        graphInput = Int32(float.input)
        graphOutput = Int32(float.output)
    }

    private mutating func setBuffer(_ tensor: Int, _ bytes: [UInt8]) {
        buffers.append(Buffer(data: ArraySlice(bytes)))
        tensors[tensor].buffer = UInt32(buffers.count - 1)
    }

    private mutating func addTensor(_ tensor: Tensor) -> Int32 {
        tensors.append(tensor)
        return Int32(tensors.count - 1)
    }

    /// The opcode index of `builtin`, with the version TFLite gives its int8 form.
    private mutating func opcode(_ builtin: BuiltinOperator) -> UInt32 {
        if let index = operatorCodes.firstIndex(where: { $0.builtinCode == builtin }) { return UInt32(index) }
        operatorCodes.append(OperatorCode(builtinCode: builtin, version: GraphQuantizer.int8Version(builtin)))
        return UInt32(operatorCodes.count - 1)
    }

    /// Every used float tensor that is not a weight becomes int8; constant ones (anchors) are
    /// quantized with their group's parameters, ties away from zero.
    mutating func quantizeActivations() throws(QuantizationError) {
        for tensor in float.tensors.indices where float.tensors[tensor].type == .float32
            && !float.weightOperands.contains(tensor) && float.used.contains(tensor) {
            let q = try plan.parameters(of: tensor, name: float.tensors[tensor].name)
            parameters[tensor] = q
            tensors[tensor].type = .int8
            tensors[tensor].quantization = q.parameters
            if float.isConstant(tensor) {
                let values = try float.constantFloats(tensor)
                setBuffer(tensor, values.map { v in
                    let x = (v / q.scale).rounded(.toNearestOrAwayFromZero) + Float(q.zeroPoint)
                    return UInt8(bitPattern: Int8(min(max(x, -128), 127)))
                })
            }
        }
    }

    /// CONV_2D and DEPTHWISE_CONV_2D filters and biases (`QuantizedConvolutionWeights`).
    mutating func quantizeWeights(granularity: WeightGranularity) throws(QuantizationError) {
        for (op, code) in zip(float.graph.operators, float.codes) where code == .conv2D || code == .depthwiseConv2D {
            let filter = Int(op.inputs[1])
            let shape = float.tensors[filter].shape.map(Int.init)
            guard shape.count == 4, let inputScale = parameters[Int(op.inputs[0])]?.scale else {
                throw .unsupportedGraph("convolution filter \(float.tensors[filter].name) is not 4-D or its input is not an activation")
            }
            let dimension = code == .depthwiseConv2D ? 3 : 0
            let channels = shape[dimension]
            let hasBias = op.inputs.count > 2 && op.inputs[2] >= 0
            let bias = hasBias ? try float.constantFloats(Int(op.inputs[2])) : [Float](repeating: 0, count: channels)
            guard bias.count == channels else {
                throw .unsupportedGraph("bias of \(float.tensors[filter].name) has \(bias.count) values for \(channels) channels")
            }
            let weights = QuantizedConvolutionWeights(filter: try float.constantFloats(filter), shape: shape, channelDimension: dimension,
                                                      bias: bias, inputScale: inputScale, granularity: granularity)
            tensors[filter].type = .int8
            tensors[filter].quantization = QuantizationParameters(
                scale: weights.filterScales, zeroPoint: Array(repeating: 0, count: weights.filterScales.count),
                quantizedDimension: weights.filterScales.count > 1 ? Int32(dimension) : 0)
            setBuffer(filter, weights.filter.map { UInt8(bitPattern: $0) })
            if hasBias {
                let b = Int(op.inputs[2])
                tensors[b].type = .int32
                tensors[b].quantization = QuantizationParameters(
                    scale: weights.biasScales, zeroPoint: Array(repeating: 0, count: weights.biasScales.count), quantizedDimension: 0)
                setBuffer(b, weights.bias.flatMap { v in withUnsafeBytes(of: v.littleEndian, Array.init) })
            }
            if !weights.raisedChannels.isEmpty { raised[float.tensors[filter].name] = weights.raisedChannels }
        }
    }

    /// The operators in their order, with a QUANTIZE before the first (uint8 or float input), one
    /// after each SOFTMAX whose output a same-scale operator reads, and a DEQUANTIZE (float) or
    /// QUANTIZE (uint8) after the last; with separate output scales, a DEQUANTIZE of each input of
    /// the final CONCATENATION, which then runs in float32.
    mutating func rewriteOperators(inputType: InterfaceType, outputType: InterfaceType) throws(QuantizationError) {
        let input = float.input, output = float.output
        if inputType != .int8 {
            let isUInt8 = inputType == .uint8
            let q = parameters[input] ?? AffineQuantization(scale: 1, zeroPoint: 0)
            graphInput = addTensor(Tensor(name: float.tensors[input].name, shape: float.tensors[input].shape,
                                          type: isUInt8 ? .uint8 : .float32, quantization: isUInt8 ? q.asUInt8.parameters : nil,
                                          shapeSignature: float.tensors[input].shapeSignature))
            tensors[input].name = "tfl.quantize"
            operators.append(Operator(opcodeIndex: opcode(.quantize), inputs: [graphInput], outputs: [Int32(input)], options: .quantize))
        }

        // One requantized copy per SOFTMAX output, with its first same-scale consumer's parameters.
        var copies: [Int: Int32] = [:]
        for requantization in plan.requantizations.sorted(by: { $0.softmaxOutput < $1.softmaxOutput }) where copies[requantization.softmaxOutput] == nil {
            let softmax = requantization.softmaxOutput
            let consumerOutput = Int(float.graph.operators[requantization.consumer].outputs[0])
            let q = try plan.parameters(ofCopyReadBy: consumerOutput, name: float.tensors[softmax].name)
            var copy = tensors[softmax]
            copy.name = float.tensors[softmax].name + "1"
            copy.quantization = q.parameters
            let index = addTensor(copy)
            parameters[Int(index)] = q
            copies[softmax] = index
        }
        var rewired = float.graph.operators
        for requantization in plan.requantizations {
            rewired[requantization.consumer].inputs[requantization.slot] = copies[requantization.softmaxOutput] ?? Int32(requantization.softmaxOutput)
        }

        for (index, original) in rewired.enumerated() {
            var op = original
            op.opcodeIndex = opcode(float.codes[index])
            if index == plan.finalConcatenation {
                var floatInputs: [Int32] = []
                for source in op.inputs {
                    var dequantized = float.tensors[Int(source)]
                    dequantized.name += "/dequantized"
                    dequantized.buffer = 0
                    let target = addTensor(dequantized)
                    operators.append(Operator(opcodeIndex: opcode(.dequantize), inputs: [source], outputs: [target], options: .dequantize))
                    floatInputs.append(target)
                }
                tensors[output].type = .float32
                tensors[output].quantization = nil
                parameters[output] = nil
                op.inputs = floatInputs
                operators.append(op)
                continue
            }
            operators.append(op)
            if float.codes[index] == .softmax, let copy = copies[Int(op.outputs[0])] {
                operators.append(Operator(opcodeIndex: opcode(.quantize), inputs: [op.outputs[0]], outputs: [copy], options: .quantize))
            }
        }

        guard plan.finalConcatenation == nil, outputType != .int8 else { return }
        let isFloat = outputType == .float
        let q = parameters[output] ?? AffineQuantization(scale: 1, zeroPoint: 0)
        var interface = float.tensors[output]
        interface.type = isFloat ? .float32 : .uint8
        interface.quantization = isFloat ? nil : q.asUInt8.parameters
        interface.buffer = 0
        tensors[output].name = float.tensors[output].name + "1"
        graphOutput = addTensor(interface)
        operators.append(Operator(opcodeIndex: opcode(isFloat ? .dequantize : .quantize), inputs: [Int32(output)],
                                  outputs: [graphOutput], options: isFloat ? .dequantize : .quantize))
    }

    /// The int8 model, with only the buffers its tensors refer to (buffer 0 stays the empty sentinel).
    func model() -> TFLiteModel {
        var graph = float.graph
        var tensors = self.tensors
        var kept: [Buffer] = [Buffer()]
        var renumbered: [UInt32: UInt32] = [0: 0]
        for index in tensors.indices {
            let old = tensors[index].buffer
            guard old != 0, Int(old) < buffers.count else { tensors[index].buffer = 0; continue }
            if let new = renumbered[old] { tensors[index].buffer = new; continue }
            kept.append(buffers[Int(old)])
            renumbered[old] = UInt32(kept.count - 1)
            tensors[index].buffer = UInt32(kept.count - 1)
        }
        graph.tensors = tensors
        graph.inputs = [graphInput]
        graph.outputs = [graphOutput]
        graph.operators = operators
        return TFLiteModel(version: 3, description: "TinySSD post-training quantization", operatorCodes: operatorCodes,
                           subgraphs: [graph], buffers: kept, metadata: [])
    }
}
