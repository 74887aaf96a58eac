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
        guard var graph = model.subgraphs.first else { throw .unsupportedGraph("the model has no subgraph") }
        guard graph.inputs.count == 1, graph.outputs.count == 1 else {
            throw .unsupportedGraph("the model has \(graph.inputs.count) inputs and \(graph.outputs.count) outputs; one of each is supported")
        }
        let tensors = graph.tensors
        func code(_ op: Operator) throws(QuantizationError) -> BuiltinOperator {
            guard Int(op.opcodeIndex) < model.operatorCodes.count else { throw .unsupportedGraph("an operator has opcode index \(op.opcodeIndex) past the table") }
            return model.operatorCodes[Int(op.opcodeIndex)].builtinCode
        }
        func valid(_ index: Int32) -> Bool { index >= 0 && Int(index) < tensors.count }
        for op in graph.operators where !(op.inputs + op.outputs).allSatisfy({ $0 == -1 || valid($0) }) {
            throw .unsupportedGraph("an operator refers to a tensor past the \(tensors.count) of the graph")
        }
        let input = Int(graph.inputs[0]), output = Int(graph.outputs[0])
        guard tensors[input].type == .float32, tensors[output].type == .float32 else {
            throw .unsupportedGraph("the model's input and output must be float32 (quantize a float model)")
        }
        let codes = try graph.operators.map { op throws(QuantizationError) in try code(op) }

        // Weights: the filter and bias operands of convolutions.
        var weightOperands = Set<Int>()
        for (op, c) in zip(graph.operators, codes) where c == .conv2D || c == .depthwiseConv2D {
            guard op.inputs.count >= 2 else { throw .unsupportedGraph("a \(c) without a filter") }
            weightOperands.insert(Int(op.inputs[1]))
            if op.inputs.count > 2, op.inputs[2] >= 0 { weightOperands.insert(Int(op.inputs[2])) }
        }
        let softmaxOutputs = Set(zip(graph.operators, codes).filter { $0.1 == .softmax }.map { Int($0.0.outputs[0]) })
        let finalConcatenation = options.separateOutputScales
            ? graph.operators.indices.first { codes[$0] == .concatenation && graph.operators[$0].outputs.first == Int32(output) }
            : nil
        if options.separateOutputScales {
            guard finalConcatenation != nil else { throw .unsupportedGraph("separate output scales need the output to come from a CONCATENATION") }
            guard options.outputType == .float else { throw .unsupportedGraph("separate output scales need float output") }
        }

        // Groups of tensors sharing parameters; softmax outputs feeding one get a requantized copy.
        var groups = ScaleGroups(tensorCount: tensors.count)
        var requantize: [Int: Int] = [:]  // softmax output -> placeholder index of its requantized copy
        var nextTensor = tensors.count
        var consumersToRewire: [(op: Int, slot: Int, softmax: Int)] = []
        for (index, op) in graph.operators.enumerated() where index != finalConcatenation {
            let members = ScaleGroups.sameScaleInputs(of: op, code: codes[index], tensors: tensors)
            guard !members.isEmpty, let out = op.outputs.first, valid(out) else { continue }
            for member in members {
                if softmaxOutputs.contains(member) {
                    let copy = requantize[member] ?? nextTensor
                    if requantize[member] == nil { requantize[member] = copy; nextTensor += 1 }
                    for slot in op.inputs.indices where Int(op.inputs[slot]) == member { consumersToRewire.append((index, slot, member)) }
                    continue
                }
                groups.join(member, Int(out))
            }
        }
        var groupRanges: [Int: ValueRange] = [:]
        for tensor in tensors.indices where tensors[tensor].type == .float32 && !weightOperands.contains(tensor)
            && !softmaxOutputs.contains(tensor) {
            guard let range = ranges[tensor] else { continue }
            let root = groups.root(tensor)
            groupRanges[root] = groupRanges[root].map { $0.union(range) } ?? range
        }
        // TensorFlow 2.21's calibration widens ADD's first input by the ADD's output range (seen on
        // every top-down merge of the SSD, where that input dies at the ADD, which TFLite then runs
        // in place); the output keeps its own. The reference files' older converter does not.
        if options.converter == .tensorflow2_21 {
            for (op, c) in zip(graph.operators, codes) where c == .add {
                guard let first = op.inputs.first, valid(first), tensors[Int(first)].type == .float32,
                      let out = op.outputs.first, let range = ranges[Int(out)] else { continue }
                let root = groups.root(Int(first))
                groupRanges[root] = groupRanges[root].map { $0.union(range) } ?? range
            }
        }
        // A requantized softmax copy joins its consumer's group.
        var copyGroup: [Int: Int] = [:]
        for entry in consumersToRewire {
            copyGroup[entry.softmax] = groups.root(Int(graph.operators[entry.op].outputs[0]))
        }

        // Groups holding the output of an operator with a fused ReLU, ReLU6 or ReLU1.
        var clampedGroups = Set<Int>()
        for op in graph.operators where Self.hasFusedClamp(op.options) {
            for output in op.outputs where output >= 0 { clampedGroups.insert(groups.root(Int(output))) }
        }
        func activation(_ tensor: Int) throws(QuantizationError) -> AffineQuantization {
            if softmaxOutputs.contains(tensor) { return .softmaxOutput }
            let root = groups.root(tensor)
            guard let range = groupRanges[root] else { throw .missingRange(tensor: tensors[tensor].name) }
            return AffineQuantization(int8Covering: range, fusedClamp: clampedGroups.contains(root))
        }

        var buffers = model.buffers
        var newTensors = tensors
        var parameters: [Int: AffineQuantization] = [:]
        var raised: [String: [Int]] = [:]
        func constantFloats(_ tensor: Int) throws(QuantizationError) -> [Float] {
            let buffer = Int(tensors[tensor].buffer)
            guard buffer > 0, buffer < buffers.count else { throw .unsupportedGraph("tensor \(tensors[tensor].name) should be a constant") }
            let data = model.buffers[buffer].data
            let count = tensors[tensor].shape.reduce(1) { $0 * Int($1) }
            guard data.count == 4 * count else {
                throw .unsupportedGraph("constant \(tensors[tensor].name) holds \(data.count) bytes for \(count) float32 values")
            }
            return data.withUnsafeBytes { raw in (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        }
        func setBuffer(_ tensor: Int, _ bytes: [UInt8]) {
            buffers.append(Buffer(data: ArraySlice(bytes)))
            newTensors[tensor].buffer = UInt32(buffers.count - 1)
        }

        // Activations (and float constants that flow like activations, e.g. anchors); tensors no
        // operator uses stay as they are.
        var used: Set<Int> = [input, output]
        for op in graph.operators { for tensor in op.inputs + op.outputs where tensor >= 0 { used.insert(Int(tensor)) } }
        for tensor in tensors.indices where tensors[tensor].type == .float32 && !weightOperands.contains(tensor) && used.contains(tensor) {
            let q = try activation(tensor)
            parameters[tensor] = q
            newTensors[tensor].type = .int8
            newTensors[tensor].quantization = q.parameters
            let buffer = Int(tensors[tensor].buffer)
            if buffer > 0, buffer < buffers.count, !model.buffers[buffer].data.isEmpty {
                let values = try constantFloats(tensor)
                setBuffer(tensor, values.map { v in
                    let x = (v / q.scale).rounded(.toNearestOrAwayFromZero) + Float(q.zeroPoint)
                    return UInt8(bitPattern: Int8(min(max(x, -128), 127)))
                })
            }
        }
        // Convolution weights, after their input's parameters are known.
        for (op, c) in zip(graph.operators, codes) where c == .conv2D || c == .depthwiseConv2D {
            let filter = Int(op.inputs[1])
            let shape = tensors[filter].shape.map(Int.init)
            guard shape.count == 4, let inputScale = parameters[Int(op.inputs[0])]?.scale else {
                throw .unsupportedGraph("convolution filter \(tensors[filter].name) is not 4-D or its input is not an activation")
            }
            let dimension = c == .depthwiseConv2D ? 3 : 0
            let channels = shape[dimension]
            let hasBias = op.inputs.count > 2 && op.inputs[2] >= 0
            let bias = hasBias ? try constantFloats(Int(op.inputs[2])) : [Float](repeating: 0, count: channels)
            guard bias.count == channels else { throw .unsupportedGraph("bias of \(tensors[filter].name) has \(bias.count) values for \(channels) channels") }
            let weights = QuantizedConvolutionWeights(filter: try constantFloats(filter), shape: shape, channelDimension: dimension,
                                                      bias: bias, inputScale: inputScale, granularity: options.granularity)
            newTensors[filter].type = .int8
            newTensors[filter].quantization = QuantizationParameters(
                scale: weights.filterScales, zeroPoint: Array(repeating: 0, count: weights.filterScales.count),
                quantizedDimension: weights.filterScales.count > 1 ? Int32(dimension) : 0)
            setBuffer(filter, weights.filter.map { UInt8(bitPattern: $0) })
            if hasBias {
                let b = Int(op.inputs[2])
                newTensors[b].type = .int32
                newTensors[b].quantization = QuantizationParameters(
                    scale: weights.biasScales, zeroPoint: Array(repeating: 0, count: weights.biasScales.count),
                    quantizedDimension: 0)
                setBuffer(b, weights.bias.flatMap { v in withUnsafeBytes(of: v.littleEndian, Array.init) })
            }
            if !weights.raisedChannels.isEmpty { raised[tensors[filter].name] = weights.raisedChannels }
        }

        // Operator codes of the int8 graph, with the versions TFLite gives their int8 forms.
        var operatorCodes: [OperatorCode] = []
        func opcode(_ builtin: BuiltinOperator) -> UInt32 {
            if let index = operatorCodes.firstIndex(where: { $0.builtinCode == builtin }) { return UInt32(index) }
            operatorCodes.append(OperatorCode(builtinCode: builtin, version: Self.int8Version(builtin)))
            return UInt32(operatorCodes.count - 1)
        }
        var operators: [Operator] = []
        func addTensor(_ tensor: Tensor) -> Int32 {
            newTensors.append(tensor)
            return Int32(newTensors.count - 1)
        }

        // Input interface.
        var graphInput = Int32(input)
        let inputQ = parameters[input] ?? AffineQuantization(scale: 1, zeroPoint: 0)
        switch options.inputType {
        case .int8: break
        case .uint8, .float:
            let isUInt8 = options.inputType == .uint8
            graphInput = addTensor(Tensor(name: tensors[input].name, shape: tensors[input].shape, type: isUInt8 ? .uint8 : .float32,
                                          quantization: isUInt8 ? inputQ.asUInt8.parameters : nil,
                                          shapeSignature: tensors[input].shapeSignature))
            newTensors[input].name = "tfl.quantize"
            operators.append(Operator(opcodeIndex: opcode(.quantize), inputs: [graphInput], outputs: [Int32(input)], options: .quantize))
        }

        // Placeholders of requantized softmax copies become real tensors.
        var copies: [Int: Int32] = [:]
        for (softmax, _) in requantize.sorted(by: { $0.key < $1.key }) {
            guard let group = copyGroup[softmax], let range = groupRanges[group] else { throw .missingRange(tensor: tensors[softmax].name) }
            let q = AffineQuantization(int8Covering: range)
            var copy = newTensors[softmax]
            copy.name = tensors[softmax].name + "1"
            copy.quantization = q.parameters
            let index = addTensor(copy)
            parameters[Int(index)] = q
            copies[softmax] = index
        }

        var rewired = graph.operators
        for entry in consumersToRewire { rewired[entry.op].inputs[entry.slot] = copies[entry.softmax] ?? Int32(entry.softmax) }
        var graphOutput = Int32(output)
        for (index, op) in rewired.enumerated() {
            var op = op
            op.opcodeIndex = opcode(codes[index])
            if index == finalConcatenation {
                // Each branch dequantized on its own scale, concatenated in float32.
                var floatInputs: [Int32] = []
                for source in op.inputs {
                    var dequantized = tensors[Int(source)]
                    dequantized.name += "/dequantized"
                    dequantized.buffer = 0
                    let target = addTensor(dequantized)
                    operators.append(Operator(opcodeIndex: opcode(.dequantize), inputs: [source], outputs: [target], options: .dequantize))
                    floatInputs.append(target)
                }
                newTensors[output].type = .float32
                newTensors[output].quantization = nil
                parameters[output] = nil
                op.inputs = floatInputs
                operators.append(op)
                continue
            }
            operators.append(op)
            if codes[index] == .softmax, let copy = copies[Int(op.outputs[0])] {
                operators.append(Operator(opcodeIndex: opcode(.quantize), inputs: [op.outputs[0]], outputs: [copy], options: .quantize))
            }
        }

        // Output interface.
        if finalConcatenation == nil {
            switch options.outputType {
            case .int8: break
            case .float, .uint8:
                let isFloat = options.outputType == .float
                let outputQ = parameters[output] ?? AffineQuantization(scale: 1, zeroPoint: 0)
                var interface = tensors[output]
                interface.type = isFloat ? .float32 : .uint8
                interface.quantization = isFloat ? nil : outputQ.asUInt8.parameters
                interface.buffer = 0
                newTensors[output].name = tensors[output].name + "1"
                graphOutput = addTensor(interface)
                operators.append(Operator(opcodeIndex: opcode(isFloat ? .dequantize : .quantize), inputs: [Int32(output)],
                                          outputs: [graphOutput], options: isFloat ? .dequantize : .quantize))
            }
        }

        // Only the buffers the int8 graph refers to (buffer 0 stays the empty sentinel).
        var kept: [Buffer] = [Buffer()]
        var renumbered: [UInt32: UInt32] = [0: 0]
        for index in newTensors.indices {
            let old = newTensors[index].buffer
            guard old != 0, Int(old) < buffers.count else { newTensors[index].buffer = 0; continue }
            if let new = renumbered[old] { newTensors[index].buffer = new; continue }
            kept.append(buffers[Int(old)])
            renumbered[old] = UInt32(kept.count - 1)
            newTensors[index].buffer = UInt32(kept.count - 1)
        }
        graph.tensors = newTensors
        graph.inputs = [graphInput]
        graph.outputs = [graphOutput]
        graph.operators = operators
        let quantized = TFLiteModel(version: 3, description: "TinySSD post-training quantization", operatorCodes: operatorCodes,
                                    subgraphs: [graph], buffers: kept, metadata: [])
        return Result(model: quantized, activations: parameters, raisedChannels: raised)
    }

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
