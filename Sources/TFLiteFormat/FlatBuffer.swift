/// Bounds-checked, little-endian access to the bytes of a FlatBuffer.
///
/// Every read checks its range first, so a truncated or corrupted file produces a
/// `TFLiteFormatError` and never an out-of-range access.
struct FlatBuffer {
    let bytes: [UInt8]

    var count: Int { bytes.count }

    func checkRange(_ offset: Int, _ length: Int) throws(TFLiteFormatError) {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw .outOfBounds(field: "", offset: offset, length: length, fileSize: bytes.count)
        }
    }

    func uint8(at offset: Int) throws(TFLiteFormatError) -> UInt8 {
        try checkRange(offset, 1)
        return bytes[offset]
    }

    func uint16(at offset: Int) throws(TFLiteFormatError) -> UInt16 {
        try checkRange(offset, 2)
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func uint32(at offset: Int) throws(TFLiteFormatError) -> UInt32 {
        try checkRange(offset, 4)
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        return value
    }

    func uint64(at offset: Int) throws(TFLiteFormatError) -> UInt64 {
        try checkRange(offset, 8)
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return value
    }

    /// The root table, after checking the header.
    func rootTable() throws(TFLiteFormatError) -> FlatBufferTable {
        guard bytes.count >= 8 else { throw .fileTooSmall(size: bytes.count) }
        let root = Int(try uint32(at: 0))
        return try FlatBufferTable(buffer: self, position: root)
    }

    /// The 4-byte file identifier that follows the root offset.
    var fileIdentifier: String {
        guard bytes.count >= 8 else { return "" }
        return String(decoding: bytes[4..<8], as: UTF8.self)
    }
}

/// One table of a FlatBuffer: its position and its vtable, both validated.
struct FlatBufferTable {
    let buffer: FlatBuffer
    let position: Int
    private let vtable: Int
    private let vtableSize: Int

    init(buffer: FlatBuffer, position: Int) throws(TFLiteFormatError) {
        self.buffer = buffer
        self.position = position
        let signedOffset = Int(Int32(bitPattern: try buffer.uint32(at: position)))
        let vtable = position - signedOffset
        let vtableSize = Int(try buffer.uint16(at: vtable))
        guard vtableSize >= 4, vtableSize % 2 == 0 else {
            throw .invalidValue(field: "", reason: "vtable at byte \(vtable) declares \(vtableSize) bytes")
        }
        try buffer.checkRange(vtable, vtableSize)
        self.vtable = vtable
        self.vtableSize = vtableSize
    }

    /// Absolute position of field `id`, or nil when the field is absent (default value).
    private func fieldPosition(_ id: Int, width: Int) throws(TFLiteFormatError) -> Int? {
        let entry = 4 + 2 * id
        guard entry + 2 <= vtableSize else { return nil }
        let relative = Int(try buffer.uint16(at: vtable + entry))
        guard relative != 0 else { return nil }
        let absolute = position + relative
        try buffer.checkRange(absolute, width)
        return absolute
    }

    func has(_ id: Int) throws(TFLiteFormatError) -> Bool {
        try fieldPosition(id, width: 1) != nil
    }

    func uint8(_ id: Int, default value: UInt8 = 0) throws(TFLiteFormatError) -> UInt8 {
        guard let at = try fieldPosition(id, width: 1) else { return value }
        return try buffer.uint8(at: at)
    }

    func int8(_ id: Int, default value: Int8 = 0) throws(TFLiteFormatError) -> Int8 {
        Int8(bitPattern: try uint8(id, default: UInt8(bitPattern: value)))
    }

    func bool(_ id: Int, default value: Bool = false) throws(TFLiteFormatError) -> Bool {
        try uint8(id, default: value ? 1 : 0) != 0
    }

    func uint32(_ id: Int, default value: UInt32 = 0) throws(TFLiteFormatError) -> UInt32 {
        guard let at = try fieldPosition(id, width: 4) else { return value }
        return try buffer.uint32(at: at)
    }

    func int32(_ id: Int, default value: Int32 = 0) throws(TFLiteFormatError) -> Int32 {
        Int32(bitPattern: try uint32(id, default: UInt32(bitPattern: value)))
    }

    func uint64(_ id: Int, default value: UInt64 = 0) throws(TFLiteFormatError) -> UInt64 {
        guard let at = try fieldPosition(id, width: 8) else { return value }
        return try buffer.uint64(at: at)
    }

    func float32(_ id: Int, default value: Float = 0) throws(TFLiteFormatError) -> Float {
        Float(bitPattern: try uint32(id, default: value.bitPattern))
    }

    /// Follows the unsigned offset stored at `at` to its target.
    private func indirect(_ at: Int) throws(TFLiteFormatError) -> Int {
        at + Int(try buffer.uint32(at: at))
    }

    func table(_ id: Int) throws(TFLiteFormatError) -> FlatBufferTable? {
        guard let at = try fieldPosition(id, width: 4) else { return nil }
        return try FlatBufferTable(buffer: buffer, position: indirect(at))
    }

    func vector(_ id: Int, elementSize: Int) throws(TFLiteFormatError) -> FlatBufferVector? {
        guard let at = try fieldPosition(id, width: 4) else { return nil }
        return try FlatBufferVector(buffer: buffer, position: indirect(at), elementSize: elementSize)
    }

    func string(_ id: Int) throws(TFLiteFormatError) -> String? {
        guard let vector = try vector(id, elementSize: 1) else { return nil }
        return String(decoding: buffer.bytes[vector.range], as: UTF8.self)
    }

    func int32Array(_ id: Int) throws(TFLiteFormatError) -> [Int32]? {
        guard let vector = try vector(id, elementSize: 4) else { return nil }
        return vector.int32Elements()
    }

    func float32Array(_ id: Int) throws(TFLiteFormatError) -> [Float]? {
        guard let vector = try vector(id, elementSize: 4) else { return nil }
        return vector.uint32Elements().map(Float.init(bitPattern:))
    }

    func int64Array(_ id: Int) throws(TFLiteFormatError) -> [Int64]? {
        guard let vector = try vector(id, elementSize: 8) else { return nil }
        return (0..<vector.count).map { Int64(bitPattern: vector.uncheckedUInt64(at: $0)) }
    }

    /// Decodes every table of a vector-of-tables field, naming the element on error.
    func tables<T>(_ id: Int, decode: (FlatBufferTable) throws(TFLiteFormatError) -> T) throws(TFLiteFormatError) -> [T] {
        guard let vector = try vector(id, elementSize: 4) else { return [] }
        var result: [T] = []
        result.reserveCapacity(vector.count)
        for index in 0..<vector.count {
            let element = try located("[\(index)]") { () throws(TFLiteFormatError) in
                try decode(vector.table(at: index))
            }
            result.append(element)
        }
        return result
    }
}

/// A FlatBuffer vector whose whole extent has been checked against the file.
struct FlatBufferVector {
    let buffer: FlatBuffer
    let count: Int
    let start: Int
    let elementSize: Int

    init(buffer: FlatBuffer, position: Int, elementSize: Int) throws(TFLiteFormatError) {
        let count = Int(try buffer.uint32(at: position))
        let (length, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow else {
            throw .outOfBounds(field: "", offset: position + 4, length: Int.max - position - 4, fileSize: buffer.count)
        }
        try buffer.checkRange(position + 4, length)
        self.buffer = buffer
        self.count = count
        self.start = position + 4
        self.elementSize = elementSize
    }

    var range: Range<Int> { start..<(start + count * elementSize) }

    func uncheckedUInt32(at index: Int) -> UInt32 {
        let at = start + index * 4
        let b = buffer.bytes
        return UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    func uncheckedUInt64(at index: Int) -> UInt64 {
        let at = start + index * 8
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(buffer.bytes[at + i]) << (8 * UInt64(i)) }
        return value
    }

    func uint32Elements() -> [UInt32] { (0..<count).map(uncheckedUInt32(at:)) }

    func int32Elements() -> [Int32] { (0..<count).map { Int32(bitPattern: uncheckedUInt32(at: $0)) } }

    func table(at index: Int) throws(TFLiteFormatError) -> FlatBufferTable {
        let slot = start + index * 4
        return try FlatBufferTable(buffer: buffer, position: slot + Int(uncheckedUInt32(at: index)))
    }
}
