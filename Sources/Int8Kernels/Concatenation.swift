/// CONCATENATION over any element type, viewed as `[outer, chunk]` blocks.
///
/// For each of the `outerCount` rows, input `i` contributes `chunkBytes[i]` contiguous bytes
/// (its axis length times the inner size times the element size). PACK is the same copy.
public func concatenate(
    outerCount: Int, inputs: UnsafeBufferPointer<UnsafeRawPointer>, chunkBytes: UnsafeBufferPointer<Int>,
    output: UnsafeMutableRawPointer
) {
    var destination = output
    for row in 0..<outerCount {
        for i in 0..<inputs.count {
            let bytes = chunkBytes[i]
            destination.copyMemory(from: inputs[i] + row * bytes, byteCount: bytes)
            destination += bytes
        }
    }
}
