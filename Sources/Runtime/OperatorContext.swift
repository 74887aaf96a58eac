import TFLiteFormat

/// Everything preparing one operator can see: its options, its tensors with their inferred
/// shapes, and the values of constant inputs.
struct OperatorContext {
    let index: Int
    let code: BuiltinOperator
    let version: Int32
    let options: BuiltinOptions
    let inputIndices: [Int?]
    let outputIndices: [Int]
    let graph: GraphBuilder

    var name: String { code.description }

    func error(_ reason: String) -> RuntimeError {
        .invalidOperator(operatorIndex: index, name: name, reason: reason)
    }

    func requireInputs(_ counts: ClosedRange<Int>, outputs: Int = 1) throws(RuntimeError) {
        guard counts.contains(inputIndices.count) else {
            throw error("expects \(counts.lowerBound == counts.upperBound ? "\(counts.lowerBound)" : "\(counts.lowerBound)-\(counts.upperBound)") inputs, has \(inputIndices.count)")
        }
        guard outputIndices.count == outputs else {
            throw error("expects \(outputs) output(s), has \(outputIndices.count)")
        }
    }

    func input(_ i: Int) throws(RuntimeError) -> TensorInfo {
        guard i < inputIndices.count, let tensor = inputIndices[i] else {
            throw error("input \(i) is missing")
        }
        return graph.tensors[tensor]
    }

    func optionalInput(_ i: Int) -> TensorInfo? {
        guard i < inputIndices.count, let tensor = inputIndices[i] else { return nil }
        return graph.tensors[tensor]
    }

    func output(_ i: Int = 0) -> TensorInfo { graph.tensors[outputIndices[i]] }

    func requireType(_ tensor: TensorInfo, _ allowed: [TensorType], role: String) throws(RuntimeError) {
        guard allowed.contains(tensor.type) else {
            throw error("\(role) '\(tensor.name)' has type \(tensor.type); supported: \(allowed.map(\.description).joined(separator: ", "))")
        }
    }

    func requireRank(_ tensor: TensorInfo, _ rank: Int, role: String) throws(RuntimeError) {
        guard tensor.shape.count == rank else {
            throw error("\(role) '\(tensor.name)' has shape \(tensor.shape); expected rank \(rank)")
        }
    }

    /// Per-tensor quantization of a quantized tensor, or an error naming it.
    func perTensorQuantization(_ tensor: TensorInfo, role: String) throws(RuntimeError) -> Quantization {
        guard let q = tensor.quantization else {
            throw error("\(role) '\(tensor.name)' of type \(tensor.type) has no quantization parameters")
        }
        guard !q.isPerChannel else {
            throw error("\(role) '\(tensor.name)' is quantized per channel; only per-tensor quantization is supported here")
        }
        return q
    }

    /// Values of a constant int32/int64 input (shapes, axes, paddings, multiples), or nil when the
    /// input is computed at run time.
    func constantIntegers(_ i: Int, role: String) throws(RuntimeError) -> [Int]? {
        let tensor = try input(i)
        guard let data = graph.constants[tensor.index] else { return nil }
        switch tensor.type {
        case .int32:
            let values = UnsafeBufferPointer(start: data.pointer.assumingMemoryBound(to: Int32.self), count: tensor.elementCount)
            return values.map(Int.init)
        case .int64:
            let values = UnsafeBufferPointer(start: data.pointer.assumingMemoryBound(to: Int64.self), count: tensor.elementCount)
            for v in values where v < Int64(Int32.min) || v > Int64(Int32.max) {
                throw error("\(role) value \(v) is out of range")
            }
            return values.map { Int($0) }
        default:
            throw error("\(role) '\(tensor.name)' has type \(tensor.type); expected int32 or int64")
        }
    }

    /// Like `constantIntegers` but the operator cannot run without the values.
    func requireConstantIntegers(_ i: Int, role: String) throws(RuntimeError) -> [Int] {
        guard let values = try constantIntegers(i, role: role) else {
            throw error("\(role) must be a constant (computed only at run time here); dynamic shapes are not supported")
        }
        return values
    }

    /// Data bytes of a constant input, for weights.
    func constantBytes(_ i: Int) throws(RuntimeError) -> Int {
        let tensor = try input(i)
        return graph.constants[tensor.index] == nil ? 0 : tensor.byteCount
    }
}

/// Normalises a possibly negative axis against `rank`.
func resolveAxis(_ axis: Int, rank: Int) -> Int? {
    let resolved = axis < 0 ? axis + rank : axis
    return (0..<rank).contains(resolved) ? resolved : nil
}

/// Row-major element strides of a shape.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[d] = running
        running *= shape[d]
    }
    return strides
}
