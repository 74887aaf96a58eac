/// TILE over any element type: repeats the input `multiples[d]` times along each dimension.
public func tile(
    elementSize: Int, inputDims: UnsafeBufferPointer<Int>, multiples: UnsafeBufferPointer<Int>,
    input: UnsafeRawPointer, output: UnsafeMutableRawPointer
) {
    let rank = inputDims.count
    guard rank > 0 else {
        output.copyMemory(from: input, byteCount: elementSize)
        return
    }
    // Writes the tiled block of dimension `dim`; returns (input elements read, output elements written).
    func tileDimension(_ dim: Int, _ source: UnsafeRawPointer, _ destination: UnsafeMutableRawPointer) -> (Int, Int) {
        var read = 0
        var written = 0
        if dim == rank - 1 {
            read = inputDims[dim]
            written = read
            destination.copyMemory(from: source, byteCount: read * elementSize)
        } else {
            for _ in 0..<inputDims[dim] {
                let (r, w) = tileDimension(dim + 1, source + read * elementSize, destination + written * elementSize)
                read += r
                written += w
            }
        }
        let blockBytes = written * elementSize
        for copy in 1..<multiples[dim] {
            (destination + copy * blockBytes).copyMemory(from: destination, byteCount: blockBytes)
        }
        return (read, written * multiples[dim])
    }
    if multiples.contains(where: { $0 <= 0 }) || inputDims.contains(0) { return }
    _ = tileDimension(0, input, output)
}
