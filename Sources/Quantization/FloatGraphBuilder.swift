import TFLiteFormat

/// Appends tensors, constants and operators to a one-subgraph float32 `TFLiteModel`, the way
/// the TFLite converter lays one out: buffer 0 empty, one buffer per constant, identical int32
/// constants shared, operator codes in order of first use.
struct FloatGraphBuilder {
    private(set) var tensors: [Tensor] = []
    private(set) var buffers: [Buffer] = [Buffer()]
    private var operators: [(code: BuiltinOperator, op: Operator)] = []
    /// Shape and values of each int32 constant already added, so each is stored once.
    private var int32Constants: [[Int32]: Int32] = [:]

    func shape(of tensor: Int32) -> [Int] { tensors[Int(tensor)].shape.map(Int.init) }

    /// A float32 tensor computed at run time; its shape signature leaves the batch free (-1), as
    /// the converter writes for Keras models.
    mutating func activation(_ name: String, shape: [Int]) -> Int32 {
        let dimensions = shape.map { Int32($0) }
        return append(Tensor(name: name, shape: dimensions, type: .float32, shapeSignature: [-1] + dimensions.dropFirst()))
    }

    /// An int32 tensor computed at run time (the shape sub-graphs' values).
    mutating func int32Activation(_ name: String, shape: [Int]) -> Int32 {
        append(Tensor(name: name, shape: shape.map { Int32($0) }, type: .int32))
    }

    mutating func floatConstant(_ name: String, shape: [Int], values: [Float]) -> Int32 {
        constant(Tensor(name: name, shape: shape.map { Int32($0) }, type: .float32), bytes: float32Bytes(values))
    }

    /// An int32 constant; one with the same shape and values as an earlier one is that one.
    mutating func int32Constant(_ name: String, shape: [Int], values: [Int32]) -> Int32 {
        let key = [Int32(shape.count)] + shape.map { Int32($0) } + values
        if let existing = int32Constants[key] { return existing }
        var bytes: [UInt8] = []
        for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        let index = constant(Tensor(name: name, shape: shape.map { Int32($0) }, type: .int32), bytes: bytes)
        int32Constants[key] = index
        return index
    }

    mutating func scalar(_ name: String, _ value: Int) -> Int32 {
        int32Constant(name, shape: [], values: [Int32(value)])
    }

    mutating func append(_ code: BuiltinOperator, inputs: [Int32], outputs: [Int32], options: BuiltinOptions = .none) {
        operators.append((code, Operator(opcodeIndex: 0, inputs: inputs, outputs: outputs, options: options)))
    }

    func model(inputs: [Int32], outputs: [Int32], description: String) -> TFLiteModel {
        var ops = operators.map(\.op)
        let codes = FloatOperatorVersions.codes(for: &ops, builtins: operators.map(\.code))
        let graph = Subgraph(name: "main", tensors: tensors, inputs: inputs, outputs: outputs, operators: ops)
        return TFLiteModel(description: description, operatorCodes: codes, subgraphs: [graph], buffers: buffers)
    }

    private mutating func constant(_ tensor: Tensor, bytes: [UInt8]) -> Int32 {
        var tensor = tensor
        tensor.buffer = UInt32(buffers.count)
        buffers.append(Buffer(data: ArraySlice(bytes)))
        return append(tensor)
    }

    private mutating func append(_ tensor: Tensor) -> Int32 {
        tensors.append(tensor)
        return Int32(tensors.count - 1)
    }
}

/// Little-endian float32 bytes, as `.tflite` buffers hold them.
func float32Bytes(_ values: [Float]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count * 4)
    for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    return bytes
}
