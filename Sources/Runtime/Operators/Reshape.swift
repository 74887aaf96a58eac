import TFLiteFormat

func prepareReshape(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(1...2)
    let input = try context.input(0)
    let output = context.output()
    try context.requireType(output, [input.type], role: "output")
    // The target shape comes from the shape input, else the options, else the output tensor.
    var requested: [Int]
    if context.optionalInput(1) != nil, let values = try context.constantIntegers(1, role: "shape") {
        requested = values
    } else if context.optionalInput(1) != nil {
        throw context.error("shape must be a constant (computed only at run time here); dynamic shapes are not supported")
    } else if case .reshape(let newShape?) = context.options {
        requested = newShape.map(Int.init)
    } else {
        requested = output.shape
    }
    let inferred = requested.indices.filter { requested[$0] == -1 }
    guard inferred.count <= 1, requested.allSatisfy({ $0 >= -1 }) else {
        throw context.error("shape \(requested) may contain at most one -1 and no other negative value")
    }
    var known = 1
    for dimension in requested where dimension != -1 {
        let (product, overflow) = known.multipliedReportingOverflow(by: dimension)
        guard !overflow else { throw context.error("shape \(requested) has more elements than can be counted") }
        known = product
    }
    if let i = inferred.first {
        guard known > 0, input.elementCount % known == 0 else {
            throw context.error("cannot reshape \(input.shape) into \(requested)")
        }
        requested[i] = input.elementCount / known
    }
    guard requested.reduce(1, *) == input.elementCount else {
        throw context.error("cannot reshape \(input.shape) (\(input.elementCount) elements) into \(requested)")
    }
    return PreparedOperator(outputShapes: [requested], step: CopyStep(byteCount: input.byteCount, input: input.index, output: output.index))
}

/// Copies a tensor's bytes unchanged (RESHAPE).
struct CopyStep: KernelStep {
    let byteCount: Int
    let input: Int, output: Int

    func run(_ memory: TensorMemory) {
        memory[output].copyMemory(from: memory[input], byteCount: byteCount)
    }
}
