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

/// `concatenate`, byte for byte, copying input by input: each input's chunks go to the output
/// rows `rowBytes` apart, with fixed-size moves for chunks of 1, 2, 4, 8 and 16 bytes (the
/// detector's final concatenation interleaves thousands of 2- and 4-byte chunks).
public func concatenateFast(
    outerCount: Int, inputs: UnsafeBufferPointer<UnsafeRawPointer>, chunkBytes: UnsafeBufferPointer<Int>,
    output: UnsafeMutableRawPointer
) {
    var rowBytes = 0
    for bytes in chunkBytes { rowBytes &+= bytes }
    var offset = 0
    for i in 0..<inputs.count {
        let bytes = chunkBytes[i]
        let source = inputs[i]
        let destination = output + offset
        switch bytes {
        case 1: copyChunks(UInt8.self, outerCount, source, destination, rowBytes)
        case 2: copyChunks(UInt16.self, outerCount, source, destination, rowBytes)
        case 4: copyChunks(UInt32.self, outerCount, source, destination, rowBytes)
        case 8: copyChunks(UInt64.self, outerCount, source, destination, rowBytes)
        case 16: copyChunks(SIMD16<UInt8>.self, outerCount, source, destination, rowBytes)
        default:
            for row in 0..<outerCount {
                (destination + row &* rowBytes).copyMemory(from: source + row &* bytes, byteCount: bytes)
            }
        }
        offset &+= bytes
    }
}

/// Copies `count` values of `T` from consecutive places to places `stride` bytes apart.
@inline(__always)
private func copyChunks<T>(_: T.Type, _ count: Int, _ source: UnsafeRawPointer, _ destination: UnsafeMutableRawPointer,
                           _ stride: Int) {
    let size = MemoryLayout<T>.size
    for row in 0..<count {
        destination.storeBytes(of: source.loadUnaligned(fromByteOffset: row &* size, as: T.self),
                               toByteOffset: row &* stride, as: T.self)
    }
}
