import Int8Kernels
import TFLiteFormat

func prepareMean(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(2...2)
    guard case .reducer(let keepDims) = context.options else { throw context.error("missing ReducerOptions") }
    let input = try context.input(0)
    let output = context.output()
    try context.requireType(input, [.int8, .float32], role: "input")
    try context.requireType(output, [input.type], role: "output")
    let rank = input.shape.count
    var axes: [Int] = []
    for axis in try context.requireConstantIntegers(1, role: "axis") {
        guard let resolved = resolveAxis(axis, rank: rank) else {
            throw context.error("axis \(axis) is out of range for input rank \(rank)")
        }
        if !axes.contains(resolved) { axes.append(resolved) }
    }
    var outputShape: [Int] = []
    for d in 0..<rank {
        if !axes.contains(d) { outputShape.append(input.shape[d]) } else if keepDims { outputShape.append(1) }
    }
    let reducedCount = axes.reduce(1) { $0 * input.shape[$1] }
    guard reducedCount > 0 else { throw context.error("reduces over an empty dimension of \(input.shape)") }
    let keptStrides = contiguousStrides(axes.reduce(into: input.shape) { $0[$1] = 1 })
    let outputStrides = (0..<rank).map { axes.contains($0) ? 0 : keptStrides[$0] }
    let outputCount = outputShape.reduce(1, *)

    if input.type == .float32 {
        let step = MeanFloatStep(inputShape: input.shape, outputStrides: outputStrides, outputCount: outputCount,
                                 reducedCount: reducedCount, input: input.index, output: output.index)
        return PreparedOperator(outputShapes: [outputShape], step: step)
    }
    let inputQ = try context.perTensorQuantization(input, role: "input")
    let outputQ = try context.perTensorQuantization(output, role: "output")
    guard (-128...127).contains(inputQ.zeroPoint), (-128...127).contains(outputQ.zeroPoint) else {
        throw context.error("int8 zero points must lie in -128...127")
    }
    if keepDims && rank == 4 && Set(axes) == [1, 2] {
        // LiteRT's optimized kernel for this case rescales with float constants of its own.
        let q = spatialMeanQuantization(inputQ: inputQ, outputQ: outputQ, count: reducedCount)
        let step = SpatialMeanInt8Step(inputShape: input.shape, multiplier: q.multiplier.multiplier, shift: q.multiplier.shift,
                                       bias: q.bias, input: input.index, output: output.index)
        return PreparedOperator(outputShapes: [outputShape], step: step)
    }
    // TFLite's QuantizedMeanOrSum folds 1/count into the multiplier.
    let base = QuantizedMultiplier(Double(inputQ.scale) / Double(outputQ.scale))
    var shift = 63 - (UInt64(reducedCount)).leadingZeroBitCount
    shift = min(shift, 32, 31 + Int(base.shift))
    let multiplier = Int32(truncatingIfNeeded: (Int64(base.multiplier) << Int64(max(shift, 0))) / Int64(reducedCount))
    let step = MeanInt8Step(inputShape: input.shape, outputStrides: outputStrides, outputCount: outputCount,
                            reducedCount: reducedCount, inputZeroPoint: inputQ.zeroPoint, outputZeroPoint: outputQ.zeroPoint,
                            multiplier: multiplier, shift: base.shift - Int32(shift),
                            spatial: rank == 4 && Set(axes) == [1, 2], input: input.index, output: output.index)
    return PreparedOperator(outputShapes: [outputShape], step: step)
}

/// Constants of LiteRT's int8 mean over height and width with kept dimensions.
func spatialMeanQuantization(inputQ: Quantization, outputQ: Quantization, count: Int) -> (multiplier: QuantizedMultiplier, bias: Int32) {
    var temp = Float(inputQ.zeroPoint) * inputQ.scale / outputQ.scale
    temp = temp > 0 ? temp + 0.5 : temp - 0.5
    let bias = outputQ.zeroPoint &- saturatingInt32(temp)
    let realScale = inputQ.scale / (Float(count) * outputQ.scale)
    return (QuantizedMultiplier(Double(realScale)), bias)
}

struct MeanInt8Step: KernelStep {
    let inputShape: [Int], outputStrides: [Int]
    let outputCount: Int, reducedCount: Int
    let inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int32
    /// NHWC reduced over height and width: sums over contiguous rows of channels.
    let spatial: Bool
    let input: Int, output: Int

    /// The int32 sums live in the arena's scratch area.
    var scratchBytes: Int { outputCount * 4 }

    func run(_ memory: TensorMemory) {
        if spatial {
            return meanInt8Spatial(batches: inputShape[0], spatial: inputShape[1] * inputShape[2], channels: inputShape[3],
                                   inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint, multiplier: multiplier,
                                   shift: shift, input: memory.int8(input),
                                   sums: memory.scratch!.assumingMemoryBound(to: Int32.self), output: memory.int8(output))
        }
        inputShape.withUnsafeBufferPointer { dims in
            outputStrides.withUnsafeBufferPointer { strides in
                meanInt8(inputDims: dims, outputStrides: strides, outputCount: outputCount, reducedCount: reducedCount,
                         inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint, multiplier: multiplier,
                         shift: shift, input: memory.int8(input),
                         sums: memory.scratch!.assumingMemoryBound(to: Int32.self), output: memory.int8(output))
            }
        }
    }
}

struct SpatialMeanInt8Step: KernelStep {
    let inputShape: [Int]
    let multiplier: Int32, shift: Int32, bias: Int32
    let input: Int, output: Int

    func run(_ memory: TensorMemory) {
        spatialMeanInt8(batches: inputShape[0], height: inputShape[1], width: inputShape[2], channels: inputShape[3],
                        multiplier: multiplier, shift: shift, bias: bias,
                        input: memory.int8(input), output: memory.int8(output))
    }
}

struct MeanFloatStep: KernelStep {
    let inputShape: [Int], outputStrides: [Int]
    let outputCount: Int, reducedCount: Int
    let input: Int, output: Int

    func run(_ memory: TensorMemory) {
        inputShape.withUnsafeBufferPointer { dims in
            outputStrides.withUnsafeBufferPointer { strides in
                meanFloat(inputDims: dims, outputStrides: strides, outputCount: outputCount, reducedCount: reducedCount,
                          input: memory.float(input), output: memory.float(output))
            }
        }
    }
}
