import Int8Kernels
import TFLiteFormat

func prepareTile(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(2...2)
    let input = try context.input(0)
    let output = context.output()
    try context.requireType(output, [input.type], role: "output")
    let multiples = try context.requireConstantIntegers(1, role: "multiples")
    guard multiples.count == input.shape.count, multiples.allSatisfy({ $0 >= 0 }) else {
        throw context.error("multiples \(multiples) must have one non-negative value per input dimension \(input.shape)")
    }
    var outputShape: [Int] = []
    for (d, m) in zip(input.shape, multiples) {
        let (product, overflow) = d.multipliedReportingOverflow(by: m)
        guard !overflow else { throw context.error("tiling \(input.shape) by \(multiples) overflows") }
        outputShape.append(product)
    }
    let step = TileStep(elementSize: input.type.byteSize ?? 1, inputShape: input.shape, multiples: multiples,
                        input: input.index, output: output.index)
    return PreparedOperator(outputShapes: [outputShape], step: step)
}

struct TileStep: KernelStep {
    let elementSize: Int
    let inputShape: [Int], multiples: [Int]
    let input: Int, output: Int

    func run(_ memory: TensorMemory) {
        inputShape.withUnsafeBufferPointer { dims in
            multiples.withUnsafeBufferPointer { multiples in
                tile(elementSize: elementSize, inputDims: dims, multiples: multiples, input: memory[input], output: memory[output])
            }
        }
    }
}
