import TFLiteFormat

/// Builds small `.tflite` models in code, for operator tests against LiteRT.
public struct ModelBuilder {
    public init() {}

    private var tensors: [Tensor] = []
    private var buffers: [Buffer] = [Buffer()]
    private var operators: [Operator] = []
    private var codes: [OperatorCode] = []
    private var inputs: [Int32] = []
    private var outputs: [Int32] = []

    /// A tensor computed at run time (or a graph input/output).
    public mutating func tensor(_ name: String, _ type: TensorType, _ shape: [Int], scale: Float? = nil, zeroPoint: Int64 = 0) -> Int32 {
        let quantization = scale.map { QuantizationParameters(scale: [$0], zeroPoint: [zeroPoint]) }
        tensors.append(Tensor(name: name, shape: shape.map(Int32.init), type: type, quantization: quantization))
        return Int32(tensors.count - 1)
    }

    public mutating func input(_ name: String, _ type: TensorType, _ shape: [Int], scale: Float? = nil, zeroPoint: Int64 = 0) -> Int32 {
        let index = tensor(name, type, shape, scale: scale, zeroPoint: zeroPoint)
        inputs.append(index)
        return index
    }

    public mutating func output(_ index: Int32) {
        outputs.append(index)
    }

    /// A constant tensor with raw little-endian data and optional (per-channel) quantization.
    public mutating func constant(_ name: String, _ type: TensorType, _ shape: [Int], bytes: [UInt8], scales: [Float]? = nil,
                           zeroPoints: [Int64]? = nil, quantizedDimension: Int32 = 0) -> Int32 {
        buffers.append(Buffer(data: ArraySlice(bytes)))
        let quantization = scales.map {
            QuantizationParameters(scale: $0, zeroPoint: zeroPoints ?? [Int64](repeating: 0, count: $0.count),
                                   quantizedDimension: quantizedDimension)
        }
        tensors.append(Tensor(name: name, shape: shape.map(Int32.init), type: type, buffer: UInt32(buffers.count - 1),
                              quantization: quantization))
        return Int32(tensors.count - 1)
    }

    public mutating func constant(_ name: String, int32 values: [Int32], shape: [Int]? = nil, scales: [Float]? = nil) -> Int32 {
        constant(name, .int32, shape ?? [values.count], bytes: littleEndianBytes(values), scales: scales)
    }

    public mutating func constant(_ name: String, int8 values: [Int8], shape: [Int], scales: [Float]? = nil,
                           zeroPoints: [Int64]? = nil, quantizedDimension: Int32 = 0) -> Int32 {
        constant(name, .int8, shape, bytes: values.map { UInt8(bitPattern: $0) }, scales: scales,
                 zeroPoints: zeroPoints, quantizedDimension: quantizedDimension)
    }

    public mutating func constant(_ name: String, float values: [Float], shape: [Int]) -> Int32 {
        constant(name, .float32, shape, bytes: littleEndianBytes(values.map(\.bitPattern)))
    }

    public mutating func op(_ code: BuiltinOperator, version: Int32 = 1, _ inputs: [Int32], _ outputs: [Int32],
                     _ options: BuiltinOptions = .none) {
        let opcode: Int
        if let existing = codes.firstIndex(where: { $0.builtinCode == code && $0.version == version }) {
            opcode = existing
        } else {
            codes.append(OperatorCode(builtinCode: code, version: version))
            opcode = codes.count - 1
        }
        operators.append(Operator(opcodeIndex: UInt32(opcode), inputs: inputs, outputs: outputs, options: options))
    }

    public func build() -> TFLiteModel {
        TFLiteModel(operatorCodes: codes,
                    subgraphs: [Subgraph(tensors: tensors, inputs: inputs, outputs: outputs, operators: operators)],
                    buffers: buffers)
    }
}

public func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
    for v in values { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    return bytes
}
