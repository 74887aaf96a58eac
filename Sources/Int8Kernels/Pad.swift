/// PAD over any element type: fills the output with `value` and copies the input inside.
///
/// `inputDims`, `padBefore` and `outputDims` have one entry per dimension (same rank);
/// `value` points at one element's bytes (the output zero point for quantized tensors).
public func pad(
    elementSize: Int, inputDims: UnsafeBufferPointer<Int>, padBefore: UnsafeBufferPointer<Int>,
    outputDims: UnsafeBufferPointer<Int>, value: UnsafeRawPointer,
    input: UnsafeRawPointer, output: UnsafeMutableRawPointer
) {
    var outputCount = 1
    for d in outputDims { outputCount *= d }
    for i in 0..<outputCount {
        (output + i * elementSize).copyMemory(from: value, byteCount: elementSize)
    }
    let rank = inputDims.count
    guard rank > 0 else {
        output.copyMemory(from: input, byteCount: elementSize)
        return
    }
    if inputDims.contains(0) { return }

    // Copies the block of dimension `dim` whose first element is at the given element offsets.
    func copyBlock(_ dim: Int, _ inputOffset: Int, _ outputOffset: Int, _ inputStride: Int, _ outputStride: Int) {
        let innerInput = inputStride / inputDims[dim]
        let innerOutput = outputStride / outputDims[dim]
        let start = outputOffset + padBefore[dim] * innerOutput
        if dim == rank - 1 {
            (output + start * elementSize).copyMemory(from: input + inputOffset * elementSize,
                                                      byteCount: inputDims[dim] * elementSize)
            return
        }
        for i in 0..<inputDims[dim] {
            copyBlock(dim + 1, inputOffset + i * innerInput, start + i * innerOutput, innerInput, innerOutput)
        }
    }
    var inputCount = 1
    for d in inputDims { inputCount *= d }
    copyBlock(0, 0, 0, inputCount, outputCount)
}
