import Int8Kernels
import TFLiteFormat

/// Checks that quantized operands share the output's scale and zero point: int8 concatenation
/// and packing copy values without rescaling (TFLite requires the same).
func requireSharedQuantization(_ context: OperatorContext, _ tensors: [TensorInfo], output: TensorInfo) throws(RuntimeError) {
    guard output.type == .int8 || output.type == .uint8 else { return }
    let expected = try context.perTensorQuantization(output, role: "output")
    for tensor in tensors {
        let q = try context.perTensorQuantization(tensor, role: "input")
        guard q == expected else {
            throw context.error("input '\(tensor.name)' has scale \(q.scale) and zero point \(q.zeroPoint), the output has \(expected.scale) and \(expected.zeroPoint); requantizing is not supported")
        }
    }
}

func prepareConcatenation(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    guard !context.inputIndices.isEmpty else { throw context.error("has no inputs") }
    try context.requireInputs(1...context.inputIndices.count)
    guard case .concatenation(let options) = context.options else { throw context.error("missing ConcatenationOptions") }
    guard options.activation == .none else { throw context.error("fused activation \(options.activation) is not supported") }
    var inputs: [TensorInfo] = []
    for i in context.inputIndices.indices { inputs.append(try context.input(i)) }
    let output = context.output()
    let first = inputs[0]
    guard let axis = resolveAxis(Int(options.axis), rank: first.shape.count) else {
        throw context.error("axis \(options.axis) is out of range for rank \(first.shape.count)")
    }
    var outputShape = first.shape
    outputShape[axis] = 0
    for tensor in inputs {
        try context.requireType(tensor, [first.type], role: "input")
        var expected = first.shape
        expected[axis] = tensor.shape.count == first.shape.count ? tensor.shape[axis] : -1
        guard tensor.shape == expected else {
            throw context.error("input '\(tensor.name)' has shape \(tensor.shape); all inputs must match \(first.shape) except along axis \(axis)")
        }
        outputShape[axis] += tensor.shape[axis]
    }
    try context.requireType(output, [first.type], role: "output")
    try requireSharedQuantization(context, inputs, output: output)
    return PreparedOperator(outputShapes: [outputShape],
                            step: ConcatenationStep(inputs: inputs, axis: axis, output: output.index))
}

func preparePack(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    guard case .pack(let options) = context.options else { throw context.error("missing PackOptions") }
    guard !context.inputIndices.isEmpty, Int(options.valuesCount) == context.inputIndices.count else {
        throw context.error("values_count \(options.valuesCount) does not match its \(context.inputIndices.count) inputs")
    }
    try context.requireInputs(1...context.inputIndices.count)
    var inputs: [TensorInfo] = []
    for i in context.inputIndices.indices { inputs.append(try context.input(i)) }
    let output = context.output()
    let first = inputs[0]
    guard let axis = resolveAxis(Int(options.axis), rank: first.shape.count + 1) else {
        throw context.error("axis \(options.axis) is out of range for rank \(first.shape.count + 1)")
    }
    for tensor in inputs {
        try context.requireType(tensor, [first.type], role: "input")
        guard tensor.shape == first.shape else {
            throw context.error("input '\(tensor.name)' has shape \(tensor.shape); all inputs must have shape \(first.shape)")
        }
    }
    try context.requireType(output, [first.type], role: "output")
    try requireSharedQuantization(context, inputs, output: output)
    var outputShape = first.shape
    outputShape.insert(inputs.count, at: axis)
    // Packing is concatenating inputs reshaped with a unit dimension at `axis`.
    let reshaped = inputs.map { tensor -> TensorInfo in
        var t = tensor
        t.shape.insert(1, at: axis)
        return t
    }
    return PreparedOperator(outputShapes: [outputShape],
                            step: ConcatenationStep(inputs: reshaped, axis: axis, output: output.index))
}

struct ConcatenationStep: KernelStep {
    let outerCount: Int
    let inputs: [Int]
    let chunkBytes: [Int]
    let output: Int

    init(inputs: [TensorInfo], axis: Int, output: Int) {
        let shape = inputs[0].shape
        outerCount = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        self.inputs = inputs.map(\.index)
        chunkBytes = inputs.map { $0.shape[axis] * inner * ($0.type.byteSize ?? 1) }
        self.output = output
    }

    func run(_ memory: TensorMemory) {
        // On the stack: a heap array here would be allocated on every run.
        withUnsafeTemporaryAllocation(of: UnsafeRawPointer.self, capacity: inputs.count) { sources in
            for (i, tensor) in inputs.enumerated() { sources.initializeElement(at: i, to: UnsafeRawPointer(memory[tensor])) }
            chunkBytes.withUnsafeBufferPointer { chunks in
                concatenateFast(outerCount: outerCount, inputs: UnsafeBufferPointer(sources), chunkBytes: chunks,
                                output: memory[output])
            }
        }
    }
}
