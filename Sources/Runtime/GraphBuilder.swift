import TFLiteFormat

/// How one operator of the file ended up in the plan.
public struct OperatorSummary: Equatable, Sendable {
    public var index: Int
    public var code: BuiltinOperator
    public var version: Int32
    /// True when every input was constant, so the operator ran once at load time.
    public var isFolded: Bool
    public var outputShapes: [[Int]]
    public var macs: Int
    public var weightBytes: Int
}

/// Turns a decoded model into validated tensors, folded constants and runnable steps.
///
/// Operators are prepared in file order (TFLite's execution order): each one infers its output
/// shapes from its inputs; an operator whose inputs are all constant runs immediately and its
/// outputs become constants, which folds the SHAPE / STRIDED_SLICE / PACK / TILE chains.
final class GraphBuilder {
    private(set) var tensors: [TensorInfo]
    private(set) var constants: [Int: AlignedBuffer] = [:]
    private(set) var steps: [PlannedStep] = []
    private(set) var summaries: [OperatorSummary] = []
    let inputs: [Int]
    let outputs: [Int]
    private let memoryLimit: Int
    private var constantBytes = 0

    init(model: TFLiteModel, memoryLimit: Int) throws(RuntimeError) {
        guard let subgraph = model.subgraphs.first else { throw .noSubgraph }
        self.memoryLimit = memoryLimit
        tensors = []
        tensors.reserveCapacity(subgraph.tensors.count)
        for (index, tensor) in subgraph.tensors.enumerated() {
            tensors.append(try Self.validatedTensor(tensor, index: index, memoryLimit: memoryLimit))
        }
        inputs = try Self.validatedIndices(subgraph.inputs, count: tensors.count, role: "subgraph input")
        outputs = try Self.validatedIndices(subgraph.outputs, count: tensors.count, role: "subgraph output")
        try loadConstants(subgraph: subgraph, buffers: model.buffers)

        var available = Set(constants.keys).union(inputs)
        for input in inputs where constants[input] != nil {
            throw .invalidTensor(tensorIndex: input, name: tensors[input].name, reason: "a subgraph input cannot also be a constant")
        }
        for (index, op) in subgraph.operators.enumerated() {
            try prepare(op, index: index, codes: model.operatorCodes, available: &available)
        }
        for output in outputs where !available.contains(output) {
            throw .invalidGraph(reason: "subgraph output \(output) '\(tensors[output].name)' is never computed")
        }
    }

    private static func validatedIndices(_ indices: [Int32], count: Int, role: String) throws(RuntimeError) -> [Int] {
        var result: [Int] = []
        for raw in indices {
            guard raw >= 0, Int(raw) < count else {
                throw .invalidGraph(reason: "\(role) refers to tensor \(raw), but the subgraph has \(count) tensors")
            }
            result.append(Int(raw))
        }
        return result
    }

    private static func validatedTensor(_ tensor: Tensor, index: Int, memoryLimit: Int) throws(RuntimeError) -> TensorInfo {
        func fail(_ reason: String) -> RuntimeError {
            .invalidTensor(tensorIndex: index, name: tensor.name, reason: reason)
        }
        guard tensor.type.byteSize != nil else { throw fail("type \(tensor.type) is not supported") }
        guard !tensor.isVariable else { throw fail("variable tensors are not supported") }
        let shape = tensor.shape.map(Int.init)
        guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("shape \(shape) has a negative dimension") }
        _ = try checkedByteCount(shape: shape, type: tensor.type, limit: memoryLimit, what: "tensor \(index) '\(tensor.name)'")
        var quantization: Quantization?
        if let q = tensor.quantization, !q.scale.isEmpty {
            guard q.scale.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw fail("quantization scales must be finite and positive, got \(q.scale.prefix(4))")
            }
            guard q.zeroPoint.count == q.scale.count || q.zeroPoint.isEmpty,
                  q.zeroPoint.allSatisfy({ $0 >= Int64(Int32.min) && $0 <= Int64(Int32.max) }) else {
                throw fail("quantization has \(q.scale.count) scales but zero points \(q.zeroPoint.prefix(4))")
            }
            let zeroPoints = q.zeroPoint.isEmpty ? [Int32](repeating: 0, count: q.scale.count) : q.zeroPoint.map { Int32($0) }
            let dimension = Int(q.quantizedDimension)
            if q.scale.count > 1 {
                guard dimension >= 0, dimension < shape.count, shape[dimension] == q.scale.count else {
                    throw fail("\(q.scale.count) per-channel scales do not match dimension \(dimension) of shape \(shape)")
                }
            }
            quantization = Quantization(scales: q.scale, zeroPoints: zeroPoints, quantizedDimension: dimension)
        }
        return TensorInfo(index: index, name: tensor.name, type: tensor.type, shape: shape, quantization: quantization)
    }

    private func loadConstants(subgraph: Subgraph, buffers: [Buffer]) throws(RuntimeError) {
        for (index, tensor) in subgraph.tensors.enumerated() where tensor.buffer != 0 {
            guard Int(tensor.buffer) < buffers.count else {
                throw .invalidTensor(tensorIndex: index, name: tensor.name,
                                     reason: "refers to buffer \(tensor.buffer), but the model has \(buffers.count) buffers")
            }
            let data = buffers[Int(tensor.buffer)].data
            guard !data.isEmpty else { continue }
            let info = tensors[index]
            guard data.count == info.byteCount else {
                throw .invalidTensor(tensorIndex: index, name: tensor.name,
                                     reason: "constant data has \(data.count) bytes; shape \(info.shape) of \(info.type) needs \(info.byteCount)")
            }
            try addConstant(index, AlignedBuffer(copying: data))
        }
    }

    private func addConstant(_ tensor: Int, _ buffer: AlignedBuffer) throws(RuntimeError) {
        constantBytes += buffer.byteCount
        guard constantBytes <= memoryLimit else {
            throw .tooLarge(what: "constant data", bytes: constantBytes, limit: memoryLimit)
        }
        constants[tensor] = buffer
    }

    private func prepare(_ op: Operator, index: Int, codes: [OperatorCode], available: inout Set<Int>) throws(RuntimeError) {
        guard Int(op.opcodeIndex) < codes.count else {
            throw .invalidGraph(reason: "operator \(index) uses operator code \(op.opcodeIndex), but the model has \(codes.count)")
        }
        let code = codes[Int(op.opcodeIndex)]
        guard code.builtinCode != .custom else {
            throw .unsupportedOperator(operatorIndex: index, name: "CUSTOM(\(code.customCode ?? ""))")
        }
        guard let kernel = operatorKernels[code.builtinCode] else {
            throw .unsupportedOperator(operatorIndex: index, name: code.builtinCode.description)
        }
        guard code.version >= 1, code.version <= kernel.maximumVersion else {
            throw .unsupportedVersion(operatorIndex: index, name: code.builtinCode.description,
                                      version: code.version, maximum: kernel.maximumVersion)
        }
        let name = code.builtinCode.description
        var inputIndices: [Int?] = []
        for raw in op.inputs {
            if raw == -1 {
                inputIndices.append(nil)
                continue
            }
            guard raw >= 0, Int(raw) < tensors.count else {
                throw .invalidOperator(operatorIndex: index, name: name, reason: "input refers to tensor \(raw) of \(tensors.count)")
            }
            guard available.contains(Int(raw)) else {
                throw .invalidOperator(operatorIndex: index, name: name,
                                       reason: "input tensor \(raw) '\(tensors[Int(raw)].name)' is read before any operator computes it")
            }
            inputIndices.append(Int(raw))
        }
        var outputIndices: [Int] = []
        for raw in op.outputs {
            guard raw >= 0, Int(raw) < tensors.count else {
                throw .invalidOperator(operatorIndex: index, name: name, reason: "output refers to tensor \(raw) of \(tensors.count)")
            }
            guard !available.contains(Int(raw)), !outputIndices.contains(Int(raw)) else {
                throw .invalidOperator(operatorIndex: index, name: name,
                                       reason: "output tensor \(raw) '\(tensors[Int(raw)].name)' is already defined")
            }
            outputIndices.append(Int(raw))
        }
        let context = OperatorContext(index: index, code: code.builtinCode, version: code.version, options: op.options,
                                      inputIndices: inputIndices, outputIndices: outputIndices, graph: self)
        let prepared = try kernel.prepare(context)
        for (output, shape) in zip(outputIndices, prepared.outputShapes) {
            _ = try Self.checkedByteCount(shape: shape, type: tensors[output].type, limit: memoryLimit,
                                          what: "output of operator \(index) (\(name))")
            tensors[output].shape = shape
        }
        let foldable = !prepared.readsInputData || inputIndices.allSatisfy { $0 == nil || constants[$0!] != nil }
        if foldable {
            try fold(prepared.step, inputs: inputIndices.compactMap { $0 }, outputs: outputIndices)
        } else {
            steps.append(PlannedStep(operatorIndex: index, code: code.builtinCode, inputs: inputIndices.compactMap { $0 },
                                     outputs: outputIndices, kernel: prepared.step, macs: prepared.macs))
        }
        summaries.append(OperatorSummary(index: index, code: code.builtinCode, version: code.version, isFolded: foldable,
                                         outputShapes: prepared.outputShapes, macs: prepared.macs,
                                         weightBytes: prepared.weightBytes))
        available.formUnion(outputIndices)
    }

    /// Runs a step whose inputs are all constant and keeps its outputs as constants.
    private func fold(_ step: any KernelStep, inputs: [Int], outputs: [Int]) throws(RuntimeError) {
        var pointers = [UnsafeMutableRawPointer?](repeating: nil, count: tensors.count)
        for input in inputs { pointers[input] = constants[input]?.pointer }
        var results: [(Int, AlignedBuffer)] = []
        for output in outputs {
            let buffer = AlignedBuffer(byteCount: tensors[output].byteCount)
            pointers[output] = buffer.pointer
            results.append((output, buffer))
        }
        let scratch = AlignedBuffer(byteCount: step.scratchBytes)
        step.run(TensorMemory(pointers: pointers, scratch: scratch.pointer))
        for (output, buffer) in results { try addConstant(output, buffer) }
    }

    /// The tensor's byte count, after checking that it fits the limit with every zero dimension
    /// counted as 1: an empty tensor may not hide huge other dimensions, so any product of a
    /// shape's dimensions (strides, element counts, MACs) stays far from overflowing.
    static func checkedByteCount(shape: [Int], type: TensorType, limit: Int, what: String) throws(RuntimeError) -> Int {
        var bytes = Swift.max(type.byteSize ?? 0, 1)
        for dimension in shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: Swift.max(dimension, 1))
            guard !overflow, product <= limit else {
                throw .tooLarge(what: "\(what) with shape \(shape)", bytes: overflow ? Int.max : product, limit: limit)
            }
            bytes = product
        }
        return shape.reduce(type.byteSize ?? 0, *)
    }
}
