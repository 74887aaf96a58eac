/// A graph of operators over tensors; the first subgraph of a model is its main entry point.
public struct Subgraph: Equatable, Sendable {
    public var name: String
    public var tensors: [Tensor]
    public var inputs: [Int32]
    public var outputs: [Int32]
    /// In execution order, as TFLite runs them.
    public var operators: [Operator]

    public init(name: String = "", tensors: [Tensor], inputs: [Int32], outputs: [Int32], operators: [Operator]) {
        self.name = name
        self.tensors = tensors
        self.inputs = inputs
        self.outputs = outputs
        self.operators = operators
    }

    init(table t: FlatBufferTable) throws(TFLiteFormatError) {
        tensors = try located("tensors") { () throws(TFLiteFormatError) in try t.tables(0, decode: Tensor.init(table:)) }
        inputs = try located("inputs") { () throws(TFLiteFormatError) in try t.int32Array(1) } ?? []
        outputs = try located("outputs") { () throws(TFLiteFormatError) in try t.int32Array(2) } ?? []
        operators = try located("operators") { () throws(TFLiteFormatError) in try t.tables(3, decode: Operator.init(table:)) }
        name = try located("name") { () throws(TFLiteFormatError) in try t.string(4) } ?? ""
    }
}
