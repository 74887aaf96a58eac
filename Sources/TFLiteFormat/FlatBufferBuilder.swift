/// A value to serialize into a FlatBuffer table field.
enum FlatBufferValue {
    case uint8(UInt8)
    case int8(Int8)
    case bool(Bool)
    case int32(Int32)
    case uint32(UInt32)
    case float32(Float)
    case uint64(UInt64)
    case table(FlatBufferObject)
    case int32Vector([Int32])
    case float32Vector([Float])
    case int64Vector([Int64])
    /// Raw bytes whose first element starts on a multiple of `alignment` (schema `force_align`).
    case bytes([UInt8], alignment: Int)
    case string(String)
    case tableVector([FlatBufferObject])

    /// Bytes the value occupies inside its table: scalars inline, everything else as a 4-byte offset.
    var inlineSize: Int {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .int32, .uint32, .float32: return 4
        case .uint64: return 8
        default: return 4
        }
    }
}

/// A table to serialize: field id -> value. Absent fields take the schema default.
struct FlatBufferObject {
    var fields: [(id: Int, value: FlatBufferValue)] = []

    mutating func set(_ id: Int, _ value: FlatBufferValue) {
        fields.append((id, value))
    }
}

/// Writes FlatBuffers front to back: each table is followed by the objects it points to, so
/// every unsigned offset points forward, as the format requires.
struct FlatBufferBuilder {
    private(set) var bytes: [UInt8] = []

    /// A finished buffer with the root table and a 4-byte file identifier.
    static func serialize(root: FlatBufferObject, identifier: String) -> [UInt8] {
        var builder = FlatBufferBuilder()
        builder.bytes = [0, 0, 0, 0] + Array(identifier.utf8.prefix(4))
        let rootPosition = builder.write(root)
        builder.patch(at: 0, UInt32(rootPosition))
        return builder.bytes
    }

    private mutating func pad(toMultipleOf alignment: Int, after extra: Int = 0) {
        while (bytes.count + extra) % alignment != 0 { bytes.append(0) }
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func patch(at position: Int, _ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for i in 0..<4 { bytes[position + i] = raw[i] }
        }
    }

    /// Points the offset slot at `slot` to `target`, which lies after it.
    private mutating func link(_ slot: Int, to target: Int) {
        patch(at: slot, UInt32(target - slot))
    }

    /// Writes a table (vtable first, then the table, then its children); returns the table position.
    @discardableResult
    mutating func write(_ object: FlatBufferObject) -> Int {
        // Lay out inline fields largest first, each aligned to its size, after the vtable offset.
        let ordered = object.fields.sorted { $0.value.inlineSize > $1.value.inlineSize }
        var layout: [(id: Int, offset: Int, value: FlatBufferValue)] = []
        var size = 4
        for field in ordered {
            let width = field.value.inlineSize
            size = (size + width - 1) / width * width
            layout.append((field.id, size, field.value))
            size += width
        }
        let alignment = ordered.first.map { max($0.value.inlineSize, 4) } ?? 4
        size = (size + alignment - 1) / alignment * alignment
        let fieldCount = (object.fields.map(\.id).max() ?? -1) + 1

        pad(toMultipleOf: 2)
        let vtable = bytes.count
        append(UInt16(4 + 2 * fieldCount))
        append(UInt16(size))
        var entries = [UInt16](repeating: 0, count: fieldCount)
        for field in layout { entries[field.id] = UInt16(field.offset) }
        for entry in entries { append(entry) }

        pad(toMultipleOf: alignment)
        let table = bytes.count
        append(Int32(table - vtable))
        bytes.append(contentsOf: [UInt8](repeating: 0, count: size - 4))
        var children: [(slot: Int, value: FlatBufferValue)] = []
        for field in layout {
            let at = table + field.offset
            switch field.value {
            case .uint8(let v): bytes[at] = v
            case .int8(let v): bytes[at] = UInt8(bitPattern: v)
            case .bool(let v): bytes[at] = v ? 1 : 0
            case .int32(let v): patch(at: at, UInt32(bitPattern: v))
            case .uint32(let v): patch(at: at, v)
            case .float32(let v): patch(at: at, v.bitPattern)
            case .uint64(let v):
                patch(at: at, UInt32(truncatingIfNeeded: v))
                patch(at: at + 4, UInt32(truncatingIfNeeded: v >> 32))
            default: children.append((at, field.value))
            }
        }
        for child in children { link(child.slot, to: writeChild(child.value)) }
        return table
    }

    private mutating func writeVector<T: FixedWidthInteger>(_ elements: [T], alignment: Int = 4) -> Int {
        pad(toMultipleOf: max(alignment, MemoryLayout<T>.size, 4), after: 4)
        let position = bytes.count
        append(UInt32(elements.count))
        for element in elements { append(element) }
        return position
    }

    private mutating func writeChild(_ value: FlatBufferValue) -> Int {
        switch value {
        case .table(let object):
            return write(object)
        case .int32Vector(let v):
            return writeVector(v)
        case .float32Vector(let v):
            return writeVector(v.map(\.bitPattern))
        case .int64Vector(let v):
            return writeVector(v)
        case .bytes(let v, let alignment):
            return writeVector(v, alignment: alignment)
        case .string(let s):
            let position = writeVector(Array(s.utf8))
            bytes.append(0)
            return position
        case .tableVector(let objects):
            let position = writeVector([UInt32](repeating: 0, count: objects.count))
            for (i, object) in objects.enumerated() {
                link(position + 4 + 4 * i, to: write(object))
            }
            return position
        case .uint8, .int8, .bool, .int32, .uint32, .float32, .uint64:
            preconditionFailure("scalars are written inline")
        }
    }
}
