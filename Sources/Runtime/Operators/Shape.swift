import TFLiteFormat

func prepareShape(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(1...1)
    let input = try context.input(0)
    let output = context.output()
    try context.requireType(output, [.int32, .int64], role: "output")
    let step = ShapeStep(shape: input.shape, isInt64: output.type == .int64, output: output.index)
    return PreparedOperator(outputShapes: [[input.shape.count]], step: step, readsInputData: false)
}

/// Writes a static shape as int32 or int64 values (SHAPE, always folded at load time).
struct ShapeStep: KernelStep {
    let shape: [Int]
    let isInt64: Bool
    let output: Int

    func run(_ memory: TensorMemory) {
        for (i, d) in shape.enumerated() {
            if isInt64 {
                memory[output].assumingMemoryBound(to: Int64.self)[i] = Int64(d)
            } else {
                memory.int32(output)[i] = Int32(truncatingIfNeeded: d)
            }
        }
    }
}
