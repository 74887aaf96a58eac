/// An entry of the model's operator-code table.
public struct OperatorCode: Equatable, Sendable {
    public var builtinCode: BuiltinOperator
    public var customCode: String?
    public var version: Int32

    public init(builtinCode: BuiltinOperator, customCode: String? = nil, version: Int32 = 1) {
        self.builtinCode = builtinCode
        self.customCode = customCode
        self.version = version
    }

    init(table t: FlatBufferTable) throws(TFLiteFormatError) {
        // Files written before code 127 store the code in the byte field; newer ones in the int field.
        let deprecated = Int32(try t.int8(0))
        let current = try t.int32(3)
        builtinCode = BuiltinOperator(rawValue: Swift.max(deprecated, current))
        customCode = try located("custom_code") { () throws(TFLiteFormatError) in try t.string(1) }
        version = try t.int32(2, default: 1)
    }
}

/// One node of a subgraph: an operator code applied to input tensors, producing output tensors.
public struct Operator: Equatable, Sendable {
    public var opcodeIndex: UInt32
    /// Tensor indices; -1 marks an omitted optional input.
    public var inputs: [Int32]
    public var outputs: [Int32]
    public var options: BuiltinOptions
    public var intermediates: [Int32]

    public init(opcodeIndex: UInt32, inputs: [Int32], outputs: [Int32], options: BuiltinOptions = .none,
                intermediates: [Int32] = []) {
        self.opcodeIndex = opcodeIndex
        self.inputs = inputs
        self.outputs = outputs
        self.options = options
        self.intermediates = intermediates
    }

    init(table t: FlatBufferTable) throws(TFLiteFormatError) {
        opcodeIndex = try t.uint32(0)
        inputs = try located("inputs") { () throws(TFLiteFormatError) in try t.int32Array(1) } ?? []
        outputs = try located("outputs") { () throws(TFLiteFormatError) in try t.int32Array(2) } ?? []
        let unionType = try t.uint8(3)
        options = try located("builtin_options") { () throws(TFLiteFormatError) in
            try BuiltinOptions(unionType: unionType, table: t.table(4))
        }
        intermediates = try located("intermediates") { () throws(TFLiteFormatError) in try t.int32Array(8) } ?? []
    }
}
