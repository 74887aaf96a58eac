import Int8Kernels
import TFLiteFormat

func prepareSoftmax(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(1...1)
    guard case .softmax(let beta) = context.options else { throw context.error("missing SoftmaxOptions") }
    guard beta.isFinite else { throw context.error("beta \(beta) must be finite") }
    let input = try context.input(0)
    let output = context.output()
    try context.requireType(input, [.int8, .float32], role: "input")
    try context.requireType(output, [input.type], role: "output")
    guard let depth = input.shape.last, depth > 0 else {
        throw context.error("input '\(input.name)' has shape \(input.shape); softmax needs a non-empty last dimension")
    }
    let rows = input.elementCount / depth
    if input.type == .float32 {
        return PreparedOperator(outputShapes: [input.shape],
                                step: SoftmaxFloatStep(rows: rows, depth: depth, beta: beta, input: input.index, output: output.index))
    }
    let inputQ = try context.perTensorQuantization(input, role: "input")
    let outputQ = try context.perTensorQuantization(output, role: "output")
    // TFLite's int8 softmax only produces probabilities on a fixed 1/256 grid.
    guard outputQ.zeroPoint == -128, abs(outputQ.scale - 1.0 / 256) <= 0.001 / 256 else {
        throw context.error("int8 output must have zero point -128 and scale 1/256, has \(outputQ.zeroPoint) and \(outputQ.scale)")
    }
    // The table holds e^(-inputScale * beta * d), d in 0...255: it must stay finite, or the
    // kernel divides infinities and converts NaN to an integer.
    let tableScale = inputQ.scale * beta
    guard tableScale.isFinite, tableScale >= 0 else {
        throw context.error("beta \(beta) times input scale \(inputQ.scale) must be finite and non-negative")
    }
    var table = [Float](repeating: 0, count: 256)
    table.withUnsafeMutableBufferPointer { fillSoftmaxTable($0.baseAddress!, inputScale: inputQ.scale, beta: beta) }
    var pairs: [Int8] = []
    if depth == 2 {
        pairs = [Int8](repeating: 0, count: 2 * 511)
        table.withUnsafeBufferPointer { table in
            pairs.withUnsafeMutableBufferPointer {
                fillSoftmaxPairTable($0.baseAddress!, table: table.baseAddress!, outputScale: outputQ.scale,
                                     outputZeroPoint: outputQ.zeroPoint)
            }
        }
    }
    let step = SoftmaxInt8Step(rows: rows, depth: depth, table: table, pairs: pairs, outputScale: outputQ.scale,
                               outputZeroPoint: outputQ.zeroPoint, input: input.index, output: output.index)
    return PreparedOperator(outputShapes: [input.shape], step: step)
}

struct SoftmaxInt8Step: PixelwiseStep {
    let rows: Int, depth: Int
    let table: [Float]
    /// For rows of two values: both outputs for each difference of the inputs (empty otherwise).
    let pairs: [Int8]
    let outputScale: Float, outputZeroPoint: Int32
    let input: Int, output: Int

    var inputTensor: Int { input }
    var outputTensor: Int { output }
    var unitCount: Int { rows }
    var inputUnitBytes: Int { depth }
    var outputUnitBytes: Int { depth }

    func run(units: Range<Int>, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, memory: TensorMemory) {
        if !pairs.isEmpty {
            return pairs.withUnsafeBufferPointer { pairs in
                softmaxInt8Pairs(rows: units.count, pairs: pairs.baseAddress!, input: input.assumingMemoryBound(to: Int8.self),
                                 output: output.assumingMemoryBound(to: Int8.self))
            }
        }
        table.withUnsafeBufferPointer { table in
            softmaxInt8(rows: units.count, depth: depth, table: table.baseAddress!, outputScale: outputScale,
                        outputZeroPoint: outputZeroPoint, input: input.assumingMemoryBound(to: Int8.self),
                        output: output.assumingMemoryBound(to: Int8.self))
        }
    }
}

struct SoftmaxFloatStep: PixelwiseStep {
    let rows: Int, depth: Int
    let beta: Float
    let input: Int, output: Int

    var inputTensor: Int { input }
    var outputTensor: Int { output }
    var unitCount: Int { rows }
    var inputUnitBytes: Int { depth * 4 }
    var outputUnitBytes: Int { depth * 4 }

    func run(units: Range<Int>, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, memory: TensorMemory) {
        softmaxFloat(rows: units.count, depth: depth, beta: beta, input: input.assumingMemoryBound(to: Float.self),
                     output: output.assumingMemoryBound(to: Float.self))
    }
}
