import TFLiteFormat

/// A float32 graph checked for what the quantizer reads: one float32 input and output, operator
/// codes and tensor indices in range, and which tensors are convolution weights.
struct FloatGraph {
    let model: TFLiteModel
    let graph: Subgraph
    let tensors: [Tensor]
    /// Operator codes, in operator order.
    let codes: [BuiltinOperator]
    let input: Int
    let output: Int
    /// The filter and bias operands of CONV_2D and DEPTHWISE_CONV_2D.
    let weightOperands: Set<Int>
    let softmaxOutputs: Set<Int>
    /// Tensors some operator (or the graph interface) uses; the others stay as they are.
    let used: Set<Int>

    init(_ model: TFLiteModel) throws(QuantizationError) {
        guard let graph = model.subgraphs.first else { throw .unsupportedGraph("the model has no subgraph") }
        guard graph.inputs.count == 1, graph.outputs.count == 1 else {
            throw .unsupportedGraph("the model has \(graph.inputs.count) inputs and \(graph.outputs.count) outputs; one of each is supported")
        }
        let tensors = graph.tensors
        for op in graph.operators where !(op.inputs + op.outputs).allSatisfy({ $0 == -1 || ($0 >= 0 && Int($0) < tensors.count) }) {
            throw .unsupportedGraph("an operator refers to a tensor past the \(tensors.count) of the graph")
        }
        var codes: [BuiltinOperator] = []
        for op in graph.operators {
            guard Int(op.opcodeIndex) < model.operatorCodes.count else {
                throw .unsupportedGraph("an operator has opcode index \(op.opcodeIndex) past the table")
            }
            codes.append(model.operatorCodes[Int(op.opcodeIndex)].builtinCode)
        }
        guard graph.inputs[0] >= 0, Int(graph.inputs[0]) < tensors.count, graph.outputs[0] >= 0, Int(graph.outputs[0]) < tensors.count else {
            throw .unsupportedGraph("the graph's input or output is not one of its tensors")
        }
        let input = Int(graph.inputs[0]), output = Int(graph.outputs[0])
        guard tensors[input].type == .float32, tensors[output].type == .float32 else {
            throw .unsupportedGraph("the model's input and output must be float32 (quantize a float model)")
        }
        var weightOperands = Set<Int>(), softmaxOutputs = Set<Int>(), used: Set<Int> = [input, output]
        for (op, code) in zip(graph.operators, codes) {
            for tensor in op.inputs + op.outputs where tensor >= 0 { used.insert(Int(tensor)) }
            if code == .softmax, let out = op.outputs.first { softmaxOutputs.insert(Int(out)) }
            guard code == .conv2D || code == .depthwiseConv2D else { continue }
            guard op.inputs.count >= 2, op.inputs[1] >= 0 else { throw .unsupportedGraph("a \(code) without a filter") }
            weightOperands.insert(Int(op.inputs[1]))
            if op.inputs.count > 2, op.inputs[2] >= 0 { weightOperands.insert(Int(op.inputs[2])) }
        }
        self.model = model
        self.graph = graph
        self.tensors = tensors
        self.codes = codes
        self.input = input
        self.output = output
        self.weightOperands = weightOperands
        self.softmaxOutputs = softmaxOutputs
        self.used = used
    }

    /// The float32 values of a constant tensor.
    func constantFloats(_ tensor: Int) throws(QuantizationError) -> [Float] {
        let buffer = Int(tensors[tensor].buffer)
        guard buffer > 0, buffer < model.buffers.count else { throw .unsupportedGraph("tensor \(tensors[tensor].name) should be a constant") }
        let data = model.buffers[buffer].data
        let count = tensors[tensor].shape.reduce(1) { $0 * Int($1) }
        guard data.count == 4 * count else {
            throw .unsupportedGraph("constant \(tensors[tensor].name) holds \(data.count) bytes for \(count) float32 values")
        }
        return data.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    func isConstant(_ tensor: Int) -> Bool {
        let buffer = Int(tensors[tensor].buffer)
        return buffer > 0 && buffer < model.buffers.count && !model.buffers[buffer].data.isEmpty
    }
}
