import Int8Kernels
import TFLiteFormat

/// NumPy broadcasting of two shapes: the output shape and each operand's element strides
/// (0 along broadcast dimensions), or nil when the shapes are incompatible.
func broadcast(_ a: [Int], _ b: [Int]) -> (shape: [Int], stridesA: [Int], stridesB: [Int])? {
    let rank = max(a.count, b.count)
    let paddedA = [Int](repeating: 1, count: rank - a.count) + a
    let paddedB = [Int](repeating: 1, count: rank - b.count) + b
    var shape: [Int] = []
    for (x, y) in zip(paddedA, paddedB) {
        guard x == y || x == 1 || y == 1 else { return nil }
        shape.append(x == 1 ? y : x)
    }
    let stridesA = zip(contiguousStrides(paddedA), paddedA).map { $1 == 1 ? 0 : $0 }
    let stridesB = zip(contiguousStrides(paddedB), paddedB).map { $1 == 1 ? 0 : $0 }
    return (shape, stridesA, stridesB)
}

func prepareAdd(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(2...2)
    guard case .add(let options) = context.options else { throw context.error("missing AddOptions") }
    let a = try context.input(0)
    let b = try context.input(1)
    let output = context.output()
    try context.requireType(a, [.int8, .float32], role: "input")
    try context.requireType(b, [a.type], role: "input")
    try context.requireType(output, [a.type], role: "output")
    guard let layout = broadcast(a.shape, b.shape) else {
        throw context.error("input shapes \(a.shape) and \(b.shape) cannot be broadcast together")
    }
    let sameShape = a.shape == b.shape
    if a.type == .float32 {
        guard let (low, high) = activationRange(options.activation) else {
            throw context.error("fused activation \(options.activation) is not supported")
        }
        let step = AddFloatStep(sameShape: sameShape, count: layout.shape.reduce(1, *), outputShape: layout.shape,
                                stridesA: layout.stridesA, stridesB: layout.stridesB, activationMin: low,
                                activationMax: high, a: a.index, b: b.index, output: output.index)
        return PreparedOperator(outputShapes: [layout.shape], step: step)
    }
    let qa = try context.perTensorQuantization(a, role: "input")
    let qb = try context.perTensorQuantization(b, role: "input")
    let qo = try context.perTensorQuantization(output, role: "output")
    guard [qa, qb, qo].allSatisfy({ (-128...127).contains($0.zeroPoint) }) else {
        throw context.error("int8 zero points must lie in -128...127")
    }
    // TFLite's 8-bit ADD: rescale both inputs to twice the larger input scale, 20 bits up.
    let leftShift: Int32 = 20
    let twiceMaxInputScale = Double(2 * max(qa.scale, qb.scale))
    let realOutput = twiceMaxInputScale / Double(Float(1 << leftShift) * qo.scale)
    guard realOutput < 1 else {
        throw context.error("output scale \(qo.scale) is too small for input scales \(qa.scale) and \(qb.scale)")
    }
    guard let (low, high) = activationRange(options.activation, scale: qo.scale, zeroPoint: qo.zeroPoint, type: .int8) else {
        throw context.error("fused activation \(options.activation) is not supported for int8 output")
    }
    let ma = QuantizedMultiplier(Double(qa.scale) / twiceMaxInputScale)
    let mb = QuantizedMultiplier(Double(qb.scale) / twiceMaxInputScale)
    let mo = QuantizedMultiplier(realOutput)
    let q = AdditionQuantization(inputOffsetA: -qa.zeroPoint, inputOffsetB: -qb.zeroPoint, leftShift: leftShift,
                                 multiplierA: ma.multiplier, shiftA: ma.shift, multiplierB: mb.multiplier, shiftB: mb.shift,
                                 outputMultiplier: mo.multiplier, outputShift: mo.shift, outputZeroPoint: qo.zeroPoint,
                                 activationMin: low, activationMax: high)
    let step = AddInt8Step(sameShape: sameShape, count: layout.shape.reduce(1, *), outputShape: layout.shape,
                           stridesA: layout.stridesA, stridesB: layout.stridesB, quantization: q,
                           a: a.index, b: b.index, output: output.index)
    return PreparedOperator(outputShapes: [layout.shape], step: step)
}

/// Runs `body` with the kernel view of a broadcast layout.
func withBroadcastLayout<R>(_ shape: [Int], _ stridesA: [Int], _ stridesB: [Int], _ body: (BroadcastLayout) -> R) -> R {
    shape.withUnsafeBufferPointer { dims in
        stridesA.withUnsafeBufferPointer { sa in
            stridesB.withUnsafeBufferPointer { sb in body(BroadcastLayout(outputDims: dims, stridesA: sa, stridesB: sb)) }
        }
    }
}

struct AddInt8Step: RowPartitionedStep {
    let sameShape: Bool
    let count: Int
    let outputShape: [Int], stridesA: [Int], stridesB: [Int]
    let quantization: AdditionQuantization
    let a: Int, b: Int, output: Int

    /// Elements, for same-shape operands; a broadcast runs whole.
    var rowCount: Int { sameShape ? count : 1 }

    func run(_ memory: TensorMemory, rows: Range<Int>) {
        guard sameShape else { return run(memory) }
        addInt8Fast(elements: rows, quantization, a: memory.int8(a), b: memory.int8(b), output: memory.int8(output))
    }

    func run(_ memory: TensorMemory) {
        if sameShape {
            return run(memory, rows: 0..<count)
        }
        withBroadcastLayout(outputShape, stridesA, stridesB) { layout in
            addInt8(layout, quantization, a: memory.int8(a), b: memory.int8(b), output: memory.int8(output))
        }
    }
}

struct AddFloatStep: KernelStep {
    let sameShape: Bool
    let count: Int
    let outputShape: [Int], stridesA: [Int], stridesB: [Int]
    let activationMin: Float, activationMax: Float
    let a: Int, b: Int, output: Int

    func run(_ memory: TensorMemory) {
        if sameShape {
            addFloat(count: count, a: memory.float(a), b: memory.float(b), activationMin: activationMin,
                     activationMax: activationMax, output: memory.float(output))
            return
        }
        withBroadcastLayout(outputShape, stridesA, stridesB) { layout in
            addFloat(layout, a: memory.float(a), b: memory.float(b), activationMin: activationMin,
                     activationMax: activationMax, output: memory.float(output))
        }
    }
}
