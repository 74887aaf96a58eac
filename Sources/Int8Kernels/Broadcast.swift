/// Visits the output of a broadcasting binary op in row-major order with the offsets of its
/// two operands; a stride of 0 repeats an operand along that dimension.
@inline(__always)
func forEachBroadcastOffsets(
    outputDims: UnsafeBufferPointer<Int>, stridesA: UnsafeBufferPointer<Int>, stridesB: UnsafeBufferPointer<Int>,
    _ body: (_ outputIndex: Int, _ offsetA: Int, _ offsetB: Int) -> Void
) {
    let rank = outputDims.count
    var outputIndex = 0
    func visit(_ dim: Int, _ a: Int, _ b: Int) {
        if dim == rank {
            body(outputIndex, a, b)
            outputIndex += 1
            return
        }
        for i in 0..<outputDims[dim] { visit(dim + 1, a + i * stridesA[dim], b + i * stridesB[dim]) }
    }
    visit(0, 0, 0)
}

/// Operand layout of a broadcasting binary op (ADD): output dimensions and each operand's
/// element strides, 0 where it is broadcast. Same-shape operands use the flat path.
public struct BroadcastLayout {
    public var outputDims: UnsafeBufferPointer<Int>
    public var stridesA: UnsafeBufferPointer<Int>
    public var stridesB: UnsafeBufferPointer<Int>

    public init(outputDims: UnsafeBufferPointer<Int>, stridesA: UnsafeBufferPointer<Int>, stridesB: UnsafeBufferPointer<Int>) {
        self.outputDims = outputDims
        self.stridesA = stridesA
        self.stridesB = stridesB
    }
}
