import Int8Kernels
import TFLiteFormat

private func zeroPointInRange(_ q: Quantization, of type: TensorType) -> Bool {
    switch type {
    case .int8: return (-128...127).contains(q.zeroPoint)
    case .uint8: return (0...255).contains(q.zeroPoint)
    case .int16: return q.zeroPoint == 0
    default: return true
    }
}

func prepareQuantize(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(1...1)
    let input = try context.input(0)
    let output = context.output()
    try context.requireType(input, [.float32, .int8, .uint8], role: "input")
    try context.requireType(output, [.int8, .uint8], role: "output")
    let outputQ = try context.perTensorQuantization(output, role: "output")
    guard zeroPointInRange(outputQ, of: output.type) else {
        throw context.error("output zero point \(outputQ.zeroPoint) is out of range for \(output.type)")
    }
    let count = input.elementCount
    if input.type == .float32 {
        let step = QuantizeFloatStep(count: count, scale: outputQ.scale, zeroPoint: outputQ.zeroPoint,
                                     outputType: output.type, input: input.index, output: output.index)
        return PreparedOperator(outputShapes: [input.shape], step: step)
    }
    let inputQ = try context.perTensorQuantization(input, role: "input")
    guard zeroPointInRange(inputQ, of: input.type) else {
        throw context.error("input zero point \(inputQ.zeroPoint) is out of range for \(input.type)")
    }
    let m = QuantizedMultiplier(Double(inputQ.scale) / Double(outputQ.scale))
    let step = RequantizeStep(count: count, inputZeroPoint: inputQ.zeroPoint, outputZeroPoint: outputQ.zeroPoint,
                              multiplier: m.multiplier, shift: m.shift, inputType: input.type, outputType: output.type,
                              input: input.index, output: output.index)
    return PreparedOperator(outputShapes: [input.shape], step: step)
}

func prepareDequantize(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(1...1)
    let input = try context.input(0)
    let output = context.output()
    try context.requireType(input, [.int8, .uint8, .int16], role: "input")
    try context.requireType(output, [.float32], role: "output")
    let q = try context.perTensorQuantization(input, role: "input")
    guard zeroPointInRange(q, of: input.type) else {
        throw context.error("input zero point \(q.zeroPoint) is out of range for \(input.type)")
    }
    let step = DequantizeStep(count: input.elementCount, scale: q.scale, zeroPoint: q.zeroPoint, inputType: input.type,
                              input: input.index, output: output.index)
    return PreparedOperator(outputShapes: [input.shape], step: step)
}

struct RequantizeStep: KernelStep {
    let count: Int
    let inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int32
    let inputType: TensorType, outputType: TensorType
    let input: Int, output: Int

    func run(_ memory: TensorMemory) {
        switch (inputType, outputType) {
        case (.uint8, .int8): run(memory.uint8(input), memory.int8(output))
        case (.int8, .uint8): run(memory.int8(input), memory.uint8(output))
        case (.uint8, _): run(memory.uint8(input), memory.uint8(output))
        default: run(memory.int8(input), memory.int8(output))
        }
    }

    private func run<In: FixedWidthInteger, Out: FixedWidthInteger>(_ x: UnsafeMutablePointer<In>, _ y: UnsafeMutablePointer<Out>) {
        requantize(count: count, inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint,
                   multiplier: multiplier, shift: shift, input: x, output: y)
    }
}

struct QuantizeFloatStep: KernelStep {
    let count: Int
    let scale: Float, zeroPoint: Int32
    let outputType: TensorType
    let input: Int, output: Int

    func run(_ memory: TensorMemory) {
        if outputType == .uint8 {
            quantizeFloat(count: count, scale: scale, zeroPoint: zeroPoint, input: memory.float(input), output: memory.uint8(output))
        } else {
            quantizeFloat(count: count, scale: scale, zeroPoint: zeroPoint, input: memory.float(input), output: memory.int8(output))
        }
    }
}

struct DequantizeStep: KernelStep {
    let count: Int
    let scale: Float, zeroPoint: Int32
    let inputType: TensorType
    let input: Int, output: Int

    func run(_ memory: TensorMemory) {
        switch inputType {
        case .uint8:
            dequantize(count: count, scale: scale, zeroPoint: zeroPoint, input: memory.uint8(input), output: memory.float(output))
        case .int16:
            dequantize(count: count, scale: scale, zeroPoint: zeroPoint,
                       input: memory[input].assumingMemoryBound(to: Int16.self), output: memory.float(output))
        default:
            dequantize(count: count, scale: scale, zeroPoint: zeroPoint, input: memory.int8(input), output: memory.float(output))
        }
    }
}
