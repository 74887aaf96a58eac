/// A tensor of a subgraph, as the file describes it.
public struct Tensor: Equatable, Sendable {
    public var name: String
    public var shape: [Int32]
    public var type: TensorType
    /// Index into `TFLiteModel.buffers`; buffer 0 is the empty sentinel, i.e. no constant data.
    public var buffer: UInt32
    public var quantization: QuantizationParameters?
    public var isVariable: Bool
    /// Shape with -1 for dimensions that may change at run time; nil when the file has none.
    public var shapeSignature: [Int32]?

    public init(name: String, shape: [Int32], type: TensorType, buffer: UInt32 = 0,
                quantization: QuantizationParameters? = nil, isVariable: Bool = false,
                shapeSignature: [Int32]? = nil) {
        self.name = name
        self.shape = shape
        self.type = type
        self.buffer = buffer
        self.quantization = quantization
        self.isVariable = isVariable
        self.shapeSignature = shapeSignature
    }

    init(table t: FlatBufferTable) throws(TFLiteFormatError) {
        shape = try located("shape") { () throws(TFLiteFormatError) in try t.int32Array(0) } ?? []
        let rawType = try t.int8(1)
        guard let type = TensorType(rawValue: rawType) else {
            throw .invalidValue(field: "type", reason: "unknown tensor type \(rawType)")
        }
        self.type = type
        buffer = try t.uint32(2)
        name = try located("name") { () throws(TFLiteFormatError) in try t.string(3) } ?? ""
        let quantizationTable = try located("quantization") { () throws(TFLiteFormatError) in try t.table(4) }
        if let q = quantizationTable {
            let parameters = try located("quantization") { () throws(TFLiteFormatError) in try QuantizationParameters(table: q) }
            quantization = parameters.isEmpty ? nil : parameters
        } else {
            quantization = nil
        }
        isVariable = try t.bool(5)
        if try t.has(6) {
            throw .invalidValue(field: "sparsity", reason: "sparse tensors are not supported")
        }
        shapeSignature = try located("shape_signature") { () throws(TFLiteFormatError) in try t.int32Array(7) }
    }
}
