/// Raw constant bytes referenced by tensors (weights, biases, shape constants) or metadata.
public struct Buffer: Equatable, Sendable {
    /// Little-endian element bytes; empty for buffer 0 and for tensors computed at run time.
    public var data: ArraySlice<UInt8>

    public init(data: ArraySlice<UInt8> = []) {
        self.data = data
    }

    init(table t: FlatBufferTable) throws(TFLiteFormatError) {
        let bytes = t.buffer.bytes
        if let vector = try located("data", { () throws(TFLiteFormatError) in try t.vector(0, elementSize: 1) }) {
            data = bytes[vector.range]
            return
        }
        // Models over 2 GiB keep buffers after the FlatBuffer and point at them by file offset.
        let offset = try t.uint64(1)
        let size = try t.uint64(2)
        guard offset > 1 else {
            data = []
            return
        }
        guard offset <= UInt64(bytes.count), size <= UInt64(bytes.count) - offset else {
            throw .outOfBounds(field: "offset", offset: Int(clamping: offset), length: Int(clamping: size), fileSize: bytes.count)
        }
        data = bytes[Int(offset)..<Int(offset + size)]
    }
}

/// A named metadata entry (e.g. `min_runtime_version`) pointing at a buffer.
public struct Metadata: Equatable, Sendable {
    public var name: String
    public var buffer: UInt32

    public init(name: String, buffer: UInt32) {
        self.name = name
        self.buffer = buffer
    }

    init(table t: FlatBufferTable) throws(TFLiteFormatError) {
        name = try located("name") { () throws(TFLiteFormatError) in try t.string(0) } ?? ""
        buffer = try t.uint32(1)
    }
}
