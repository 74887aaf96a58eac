/// A `.tflite` model: the subset of the TFLite FlatBuffers schema that inference needs.
///
/// Decoding checks every offset and length against the file, so malformed bytes throw a
/// `TFLiteFormatError` naming the field; nothing is executed or interpreted here.
public struct TFLiteModel: Equatable, Sendable {
    public var version: UInt32
    public var description: String
    public var operatorCodes: [OperatorCode]
    public var subgraphs: [Subgraph]
    public var buffers: [Buffer]
    public var metadata: [Metadata]

    public init(version: UInt32 = 3, description: String = "", operatorCodes: [OperatorCode],
                subgraphs: [Subgraph], buffers: [Buffer], metadata: [Metadata] = []) {
        self.version = version
        self.description = description
        self.operatorCodes = operatorCodes
        self.subgraphs = subgraphs
        self.buffers = buffers
        self.metadata = metadata
    }

    /// Decodes a model from the bytes of a `.tflite` file.
    public init(bytes: [UInt8]) throws(TFLiteFormatError) {
        let buffer = FlatBuffer(bytes: bytes)
        let root = try buffer.rootTable()
        guard buffer.fileIdentifier == "TFL3" else {
            throw .notATFLiteFile(identifier: buffer.fileIdentifier)
        }
        version = try root.uint32(0)
        guard version == 3 else { throw .unsupportedSchemaVersion(version) }
        operatorCodes = try located("operator_codes") { () throws(TFLiteFormatError) in
            try root.tables(1, decode: OperatorCode.init(table:))
        }
        subgraphs = try located("subgraphs") { () throws(TFLiteFormatError) in
            try root.tables(2, decode: Subgraph.init(table:))
        }
        description = try located("description") { () throws(TFLiteFormatError) in try root.string(3) } ?? ""
        buffers = try located("buffers") { () throws(TFLiteFormatError) in
            try root.tables(4, decode: Buffer.init(table:))
        }
        metadata = try located("metadata") { () throws(TFLiteFormatError) in
            try root.tables(6, decode: Metadata.init(table:))
        }
    }

    /// The bytes of a metadata entry, e.g. `min_runtime_version`, if present and in range.
    public func metadataBytes(named name: String) -> ArraySlice<UInt8>? {
        guard let entry = metadata.first(where: { $0.name == name }), Int(entry.buffer) < buffers.count else {
            return nil
        }
        return buffers[Int(entry.buffer)].data
    }
}
