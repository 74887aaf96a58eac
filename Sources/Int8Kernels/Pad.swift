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

/// `pad`, byte for byte: the fill doubles a filled prefix with block copies, and trailing
/// dimensions without padding join the element, so each copy moves a whole run of rows' bytes.
/// `inputDims`, `padBefore` and `outputDims` have at most 6 entries.
public func padFast(
    elementSize: Int, inputDims: UnsafeBufferPointer<Int>, padBefore: UnsafeBufferPointer<Int>,
    outputDims: UnsafeBufferPointer<Int>, value: UnsafeRawPointer,
    input: UnsafeRawPointer, output: UnsafeMutableRawPointer
) {
    var outputCount = 1
    for d in outputDims { outputCount &*= d }
    let totalBytes = outputCount &* elementSize
    if totalBytes > 0 {
        output.copyMemory(from: value, byteCount: elementSize)
        var filled = elementSize
        while filled < totalBytes {
            let bytes = min(filled, totalBytes &- filled)
            (output + filled).copyMemory(from: output, byteCount: bytes)
            filled &+= bytes
        }
    }
    var rank = inputDims.count
    guard rank > 0 else { return output.copyMemory(from: input, byteCount: elementSize) }
    if inputDims.contains(0) { return }
    var element = elementSize
    while rank > 1 && inputDims[rank &- 1] == outputDims[rank &- 1] {
        rank &-= 1
        element &*= inputDims[rank]
    }
    // Row-major strides in bytes of the input and output over the kept dimensions.
    var inputStrides = (0, 0, 0, 0, 0, 0), outputStrides = (0, 0, 0, 0, 0, 0)
    withUnsafeMutableBytes(of: &inputStrides) { inputRaw in
        withUnsafeMutableBytes(of: &outputStrides) { outputRaw in
            let inputStride = inputRaw.bindMemory(to: Int.self), outputStride = outputRaw.bindMemory(to: Int.self)
            var inputSize = element, outputSize = element
            for d in stride(from: rank &- 1, through: 0, by: -1) {
                inputStride[d] = inputSize
                outputStride[d] = outputSize
                inputSize &*= inputDims[d]
                outputSize &*= outputDims[d]
            }
            var start = 0
            for d in 0..<rank { start &+= padBefore[d] &* outputStride[d] }
            let rowBytes = inputDims[rank &- 1] &* element
            // Walks the input's rows (all kept dimensions but the last) like an odometer.
            var index = (0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &index) { indexRaw in
                let index = indexRaw.bindMemory(to: Int.self)
                var source = 0, destination = start
                while true {
                    (output + destination).copyMemory(from: input + source, byteCount: rowBytes)
                    source &+= rowBytes
                    var d = rank &- 2
                    while d >= 0 {
                        index[d] &+= 1
                        destination &+= outputStride[d]
                        if index[d] < inputDims[d] { break }
                        destination &-= index[d] &* outputStride[d]
                        index[d] = 0
                        d &-= 1
                    }
                    if d < 0 { return }
                }
            }
        }
    }
}
