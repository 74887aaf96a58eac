/// STRIDED_SLICE over any element type, with begin/end/stride already resolved per dimension.
///
/// Along dimension `d` the kept indices are `begin[d], begin[d] + stride[d], ...` while they stay
/// before `end[d]` (after it, for a negative stride); masks and shrinking are the planner's job.
public func stridedSlice(
    elementSize: Int, inputDims: UnsafeBufferPointer<Int>, begin: UnsafeBufferPointer<Int>,
    end: UnsafeBufferPointer<Int>, stride: UnsafeBufferPointer<Int>,
    input: UnsafeRawPointer, output: UnsafeMutableRawPointer
) {
    let rank = inputDims.count
    if stride.contains(0) { return }
    var written = 0
    func visit(_ dim: Int, _ inputOffset: Int, _ inputStride: Int) {
        if dim == rank {
            (output + written * elementSize).copyMemory(from: input + inputOffset * elementSize, byteCount: elementSize)
            written += 1
            return
        }
        let inner = inputStride / max(inputDims[dim], 1)
        var i = begin[dim]
        while stride[dim] > 0 ? i < end[dim] : i > end[dim] {
            visit(dim + 1, inputOffset + i * inner, inner)
            i += stride[dim]
        }
    }
    var count = 1
    for d in inputDims { count *= d }
    visit(0, 0, count)
}
