import Int8Kernels
import TFLiteFormat

func preparePad(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(2...2)
    let input = try context.input(0)
    let output = context.output()
    try context.requireType(output, [input.type], role: "output")
    let rank = input.shape.count
    guard (1...6).contains(rank) else { throw context.error("input rank \(rank) is not supported (1 to 6)") }
    let paddings = try context.requireConstantIntegers(1, role: "paddings")
    guard paddings.count == 2 * rank else {
        throw context.error("paddings have \(paddings.count) values; expected [\(rank), 2]")
    }
    guard paddings.allSatisfy({ $0 >= 0 }) else { throw context.error("paddings \(paddings) must not be negative") }
    let before = stride(from: 0, to: paddings.count, by: 2).map { paddings[$0] }
    let after = stride(from: 1, to: paddings.count, by: 2).map { paddings[$0] }
    let outputShape = zip(input.shape, zip(before, after)).map { $0 + $1.0 + $1.1 }

    // Quantized tensors pad with the output zero point (TFLite), others with zero.
    var value = [UInt8](repeating: 0, count: input.type.byteSize ?? 1)
    if input.type == .int8 || input.type == .uint8 {
        let zeroPoint = try context.perTensorQuantization(output, role: "output").zeroPoint
        let range: ClosedRange<Int32> = input.type == .int8 ? -128...127 : 0...255
        guard range.contains(zeroPoint) else { throw context.error("output zero point \(zeroPoint) is out of range") }
        value[0] = UInt8(truncatingIfNeeded: zeroPoint)
    }
    let step = PadStep(elementSize: input.type.byteSize ?? 1, inputShape: input.shape, padBefore: before,
                       outputShape: outputShape, value: value, input: input.index, output: output.index)
    return PreparedOperator(outputShapes: [outputShape], step: step)
}

struct PadStep: KernelStep {
    let elementSize: Int
    let inputShape: [Int], padBefore: [Int], outputShape: [Int]
    let value: [UInt8]
    let input: Int, output: Int

    /// The padding value as a number: an int8 value, or 0 when every byte is zero.
    var paddingValue: Int32? {
        if value.allSatisfy({ $0 == 0 }) { return 0 }
        return elementSize == 1 ? Int32(Int8(bitPattern: value[0])) : nil
    }

    func run(_ memory: TensorMemory) {
        inputShape.withUnsafeBufferPointer { inputDims in
            padBefore.withUnsafeBufferPointer { before in
                outputShape.withUnsafeBufferPointer { outputDims in
                    value.withUnsafeBytes { value in
                        // `value` holds at least one element's bytes.
                        padFast(elementSize: elementSize, inputDims: inputDims, padBefore: before, outputDims: outputDims,
                                value: value.baseAddress!, input: memory[input], output: memory[output])
                    }
                }
            }
        }
    }
}
