import TFLiteFormat

/// What `tinyssd inspect` shows: interface, operator table and totals of a prepared model.
public struct ModelReport: Codable, Equatable, Sendable {
    public struct TensorEntry: Codable, Equatable, Sendable {
        public var index: Int
        public var name: String
        public var type: String
        public var shape: [Int]
        public var scales: [Float]
        public var zeroPoints: [Int32]
    }

    public struct OperatorEntry: Codable, Equatable, Sendable {
        public var index: Int
        public var op: String
        public var version: Int32
        /// Evaluated once at load time because all its inputs are constant.
        public var folded: Bool
        public var outputShape: [Int]
        public var macs: Int
        public var weightBytes: Int
    }

    public struct Totals: Codable, Equatable, Sendable {
        /// Multiply-accumulates of CONV_2D and DEPTHWISE_CONV_2D per inference.
        public var macs: Int
        public var convolutionMACs: Int
        public var depthwiseMACs: Int
        /// Filter and bias bytes of the convolutions.
        public var weightBytes: Int
        /// Every constant buffer of the file (weights, anchors, shape constants).
        public var constantBytes: Int
        public var tensorCount: Int
        public var operatorCount: Int
        public var foldedOperatorCount: Int
        /// The planned activation arena: input, output, intermediate tensors and scratch.
        public var arenaBytes: Int
        /// What giving each tensor its own buffer for its lifetime would need at the busiest step.
        public var liveTensorPeakBytes: Int
    }

    public var inputs: [TensorEntry]
    public var outputs: [TensorEntry]
    /// Operator name -> count, over the file's operators.
    public var operatorHistogram: [String: Int]
    public var operators: [OperatorEntry]
    public var totals: Totals

    public init(_ interpreter: Interpreter) {
        func entry(_ t: TensorInfo) -> TensorEntry {
            TensorEntry(index: t.index, name: t.name, type: t.type.description, shape: t.shape,
                        scales: t.quantization?.scales ?? [], zeroPoints: t.quantization?.zeroPoints ?? [])
        }
        inputs = interpreter.inputs.map(entry)
        outputs = interpreter.outputs.map(entry)
        operators = interpreter.operators.map {
            OperatorEntry(index: $0.index, op: $0.code.description, version: $0.version, folded: $0.isFolded,
                          outputShape: $0.outputShapes.first ?? [], macs: $0.macs, weightBytes: $0.weightBytes)
        }
        operatorHistogram = operators.reduce(into: [:]) { $0[$1.op, default: 0] += 1 }
        let executed = operators.filter { !$0.folded }
        let convolution = executed.filter { $0.op == BuiltinOperator.conv2D.description }.reduce(0) { $0 + $1.macs }
        let depthwise = executed.filter { $0.op == BuiltinOperator.depthwiseConv2D.description }.reduce(0) { $0 + $1.macs }
        let subgraph = interpreter.model.subgraphs[0]
        let constantBuffers = Set(subgraph.tensors.map(\.buffer)).filter { $0 != 0 }
        totals = Totals(
            macs: convolution + depthwise, convolutionMACs: convolution, depthwiseMACs: depthwise,
            weightBytes: executed.reduce(0) { $0 + $1.weightBytes },
            constantBytes: constantBuffers.reduce(0) { $0 + interpreter.model.buffers[Int($1)].data.count },
            tensorCount: interpreter.tensors.count, operatorCount: operators.count,
            foldedOperatorCount: operators.count - executed.count, arenaBytes: interpreter.arenaBytes,
            liveTensorPeakBytes: interpreter.liveTensorPeakBytes)
    }
}
