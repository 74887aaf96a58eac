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
    let offset: UInt8?
    switch (input.type, output.type) {
    case (.uint8, .int8):
        offset = requantizationByteOffset(from: UInt8.self, to: Int8.self, inputZeroPoint: inputQ.zeroPoint,
                                          outputZeroPoint: outputQ.zeroPoint, multiplier: m.multiplier, shift: m.shift)
    case (.int8, .uint8):
        offset = requantizationByteOffset(from: Int8.self, to: UInt8.self, inputZeroPoint: inputQ.zeroPoint,
                                          outputZeroPoint: outputQ.zeroPoint, multiplier: m.multiplier, shift: m.shift)
    case (.uint8, _):
        offset = requantizationByteOffset(from: UInt8.self, to: UInt8.self, inputZeroPoint: inputQ.zeroPoint,
                                          outputZeroPoint: outputQ.zeroPoint, multiplier: m.multiplier, shift: m.shift)
    default:
        offset = requantizationByteOffset(from: Int8.self, to: Int8.self, inputZeroPoint: inputQ.zeroPoint,
                                          outputZeroPoint: outputQ.zeroPoint, multiplier: m.multiplier, shift: m.shift)
    }
    let step = RequantizeStep(count: count, inputZeroPoint: inputQ.zeroPoint, outputZeroPoint: outputQ.zeroPoint,
                              multiplier: m.multiplier, shift: m.shift, byteOffset: offset, inputType: input.type,
                              outputType: output.type, input: input.index, output: output.index)
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

struct RequantizeStep: PixelwiseStep {
    let count: Int
    let inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int32
    /// Set when every byte maps to itself plus this offset, whatever its rounding.
    let byteOffset: UInt8?
    let inputType: TensorType, outputType: TensorType
    let input: Int, output: Int

    var inputTensor: Int { input }
    var outputTensor: Int { output }
    var unitCount: Int { count }
    var inputUnitBytes: Int { 1 }
    var outputUnitBytes: Int { 1 }

    func run(units: Range<Int>, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, memory: TensorMemory) {
        if let byteOffset {
            return addByteOffset(count: units.count, offset: byteOffset, input: input, output: output)
        }
        // The rounding of a value depends on whether it falls in the tensor's leading blocks of 16.
        let tiesUp = min(max(count / 16 * 16 - units.lowerBound, 0), units.count)
        let n = units.count
        let (x, y) = (UnsafeRawPointer(input), output)
        let (inZero, outZero) = (inputZeroPoint, outputZeroPoint)
        switch (inputType, outputType) {
        case (.uint8, .int8):
            requantizeFast(count: n, tiesUpCount: tiesUp, inputZeroPoint: inZero, outputZeroPoint: outZero, multiplier: multiplier,
                           shift: shift, input: x.assumingMemoryBound(to: UInt8.self), output: y.assumingMemoryBound(to: Int8.self))
        case (.int8, .uint8):
            requantizeFast(count: n, tiesUpCount: tiesUp, inputZeroPoint: inZero, outputZeroPoint: outZero, multiplier: multiplier,
                           shift: shift, input: x.assumingMemoryBound(to: Int8.self), output: y.assumingMemoryBound(to: UInt8.self))
        case (.uint8, _):
            requantizeFast(count: n, tiesUpCount: tiesUp, inputZeroPoint: inZero, outputZeroPoint: outZero, multiplier: multiplier,
                           shift: shift, input: x.assumingMemoryBound(to: UInt8.self), output: y.assumingMemoryBound(to: UInt8.self))
        default:
            requantizeFast(count: n, tiesUpCount: tiesUp, inputZeroPoint: inZero, outputZeroPoint: outZero, multiplier: multiplier,
                           shift: shift, input: x.assumingMemoryBound(to: Int8.self), output: y.assumingMemoryBound(to: Int8.self))
        }
    }
}

struct QuantizeFloatStep: PixelwiseStep {
    let count: Int
    let scale: Float, zeroPoint: Int32
    let outputType: TensorType
    let input: Int, output: Int

    var inputTensor: Int { input }
    var outputTensor: Int { output }
    var unitCount: Int { count }
    var inputUnitBytes: Int { 4 }
    var outputUnitBytes: Int { 1 }

    func run(units: Range<Int>, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, memory: TensorMemory) {
        let x = input.assumingMemoryBound(to: Float.self)
        // Values in the tensor's leading blocks of 8 take LiteRT's vector form, the tail its scalar form.
        let blocked = min(max(count / 8 * 8 - units.lowerBound, 0), units.count)
        if outputType == .uint8 {
            quantizeFloat(count: units.count, blockedCount: blocked, scale: scale, zeroPoint: zeroPoint, input: x,
                          output: output.assumingMemoryBound(to: UInt8.self))
        } else {
            quantizeFloat(count: units.count, blockedCount: blocked, scale: scale, zeroPoint: zeroPoint, input: x,
                          output: output.assumingMemoryBound(to: Int8.self))
        }
    }
}

struct DequantizeStep: PixelwiseStep {
    let count: Int
    let scale: Float, zeroPoint: Int32
    let inputType: TensorType
    let input: Int, output: Int

    var inputTensor: Int { input }
    var outputTensor: Int { output }
    var unitCount: Int { count }
    var inputUnitBytes: Int { inputType.byteSize ?? 1 }
    var outputUnitBytes: Int { 4 }

    func run(units: Range<Int>, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, memory: TensorMemory) {
        // Values in the tensor's leading blocks of 8 take LiteRT's float form, the tail its double form.
        let blocked = min(max(count / 8 * 8 - units.lowerBound, 0), units.count)
        let y = output.assumingMemoryBound(to: Float.self)
        switch inputType {
        case .uint8:
            dequantize(count: units.count, blockedCount: blocked, scale: scale, zeroPoint: zeroPoint,
                       input: input.assumingMemoryBound(to: UInt8.self), output: y)
        case .int16:
            dequantize(count: units.count, blockedCount: blocked, scale: scale, zeroPoint: zeroPoint,
                       input: input.assumingMemoryBound(to: Int16.self), output: y)
        default:
            dequantize(count: units.count, blockedCount: blocked, scale: scale, zeroPoint: zeroPoint,
                       input: input.assumingMemoryBound(to: Int8.self), output: y)
        }
    }
}
