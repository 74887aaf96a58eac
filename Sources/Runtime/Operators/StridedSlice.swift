import Int8Kernels
import TFLiteFormat

func prepareStridedSlice(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(4...4)
    guard case .stridedSlice(let options) = context.options else { throw context.error("missing StridedSliceOptions") }
    guard options.ellipsisMask == 0, options.newAxisMask == 0, !options.offset else {
        throw context.error("ellipsis_mask, new_axis_mask and offset are not supported")
    }
    let input = try context.input(0)
    let output = context.output()
    try context.requireType(output, [input.type], role: "output")
    let beginValues = try context.requireConstantIntegers(1, role: "begin")
    let endValues = try context.requireConstantIntegers(2, role: "end")
    let strideValues = try context.requireConstantIntegers(3, role: "strides")
    let rank = input.shape.count
    guard beginValues.count == endValues.count, endValues.count == strideValues.count, beginValues.count <= rank,
          rank <= 6 else {
        throw context.error("begin, end and strides must have equal lengths of at most the input rank \(rank) (at most 6)")
    }
    guard strideValues.allSatisfy({ $0 != 0 }) else { throw context.error("strides \(strideValues) must not be 0") }
    // Dimensions without begin/end/stride are taken whole (TFLite's behaviour).
    var begin: [Int] = [], end: [Int] = [], strides: [Int] = [], outputShape: [Int] = []
    for d in 0..<rank {
        let size = input.shape[d]
        guard d < beginValues.count else {
            begin.append(0); end.append(size); strides.append(1); outputShape.append(size)
            continue
        }
        let s = strideValues[d]
        func clamp(_ v: Int) -> Int { s > 0 ? min(max(v, 0), size) : min(max(v, -1), size - 1) }
        var start = options.beginMask & (1 << d) != 0 ? (s > 0 ? Int(Int32.min) : Int(Int32.max)) : beginValues[d]
        if start < 0 { start += size }
        start = size == 0 ? 0 : clamp(start)
        let shrink = options.shrinkAxisMask & (1 << d) != 0
        var stop: Int
        if size == 0 {
            stop = 0
        } else if shrink {
            stop = start + 1
        } else {
            stop = options.endMask & (1 << d) != 0 ? (s > 0 ? Int(Int32.max) : Int(Int32.min)) : endValues[d]
            if stop < 0 { stop += size }
            stop = clamp(stop)
        }
        if shrink && !(0..<size).contains(start) {
            throw context.error("shrinking dimension \(d) at index \(beginValues[d]) is out of range for size \(size)")
        }
        begin.append(start); end.append(stop); strides.append(shrink ? 1 : s)
        let length = max(0, (stop - start + (s > 0 ? s - 1 : s + 1)) / s)
        if !shrink { outputShape.append(length) }
    }
    let step = StridedSliceStep(elementSize: input.type.byteSize ?? 1, inputShape: input.shape, begin: begin, end: end,
                                strides: strides, input: input.index, output: output.index)
    return PreparedOperator(outputShapes: [outputShape], step: step)
}

struct StridedSliceStep: KernelStep {
    let elementSize: Int
    let inputShape: [Int], begin: [Int], end: [Int], strides: [Int]
    let input: Int, output: Int

    func run(_ memory: TensorMemory) {
        inputShape.withUnsafeBufferPointer { dims in
            begin.withUnsafeBufferPointer { begin in
                end.withUnsafeBufferPointer { end in
                    strides.withUnsafeBufferPointer { strides in
                        stridedSlice(elementSize: elementSize, inputDims: dims, begin: begin, end: end, stride: strides,
                                     input: memory[input], output: memory[output])
                    }
                }
            }
        }
    }
}
