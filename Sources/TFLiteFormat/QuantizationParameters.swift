/// Affine quantization of a tensor: `real = scale * (quantized - zeroPoint)`.
///
/// One scale and zero point per tensor, or one per slice along `quantizedDimension`
/// (per-channel weights).
public struct QuantizationParameters: Equatable, Sendable {
    public var scale: [Float]
    public var zeroPoint: [Int64]
    public var quantizedDimension: Int32
    public var min: [Float]
    public var max: [Float]

    public init(scale: [Float], zeroPoint: [Int64], quantizedDimension: Int32 = 0,
                min: [Float] = [], max: [Float] = []) {
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.quantizedDimension = quantizedDimension
        self.min = min
        self.max = max
    }

    /// True when the table carries no affine parameters (TFLite treats such tensors as unquantized).
    public var isEmpty: Bool { scale.isEmpty && zeroPoint.isEmpty }

    init(table t: FlatBufferTable) throws(TFLiteFormatError) {
        min = try located("min") { () throws(TFLiteFormatError) in try t.float32Array(0) } ?? []
        max = try located("max") { () throws(TFLiteFormatError) in try t.float32Array(1) } ?? []
        scale = try located("scale") { () throws(TFLiteFormatError) in try t.float32Array(2) } ?? []
        zeroPoint = try located("zero_point") { () throws(TFLiteFormatError) in try t.int64Array(3) } ?? []
        let detailsType = try t.uint8(4)
        guard detailsType == 0 else {
            throw .invalidValue(field: "details", reason: "custom/blockwise quantization (union type \(detailsType)) is not supported")
        }
        quantizedDimension = try t.int32(6)
    }
}
