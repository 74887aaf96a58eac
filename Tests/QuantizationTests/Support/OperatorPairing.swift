import TFLiteFormat

/// An operator of a model with its position in the file.
struct PairedOperator {
    var index: Int
    var code: BuiltinOperator
    var op: Operator
}

/// The operators of two graphs in order, leaving out `skipping` in both and, in the first, the
/// PADs the TFLite converter fuses into a following DEPTHWISE_CONV_2D (`droppingFusedPads`);
/// throws when the remaining sequences of operator codes differ.
func pairedOperators(_ ours: TFLiteModel, _ theirs: TFLiteModel, skipping: Set<BuiltinOperator> = [],
                     droppingFusedPads: Bool = false) throws -> [(PairedOperator, PairedOperator)] {
    func list(_ model: TFLiteModel, droppingFusedPads: Bool) -> [PairedOperator] {
        let ops = model.subgraphs[0].operators
        func code(_ op: Operator) -> BuiltinOperator { model.operatorCodes[Int(op.opcodeIndex)].builtinCode }
        return ops.enumerated().compactMap { index, op in
            if skipping.contains(code(op)) { return nil }
            if droppingFusedPads, code(op) == .pad,
               let consumer = ops.first(where: { $0.inputs.contains(op.outputs[0]) }), code(consumer) == .depthwiseConv2D {
                return nil
            }
            return PairedOperator(index: index, code: code(op), op: op)
        }
    }
    let a = list(ours, droppingFusedPads: droppingFusedPads), b = list(theirs, droppingFusedPads: false)
    let codes = (a.map(\.code), b.map(\.code))
    guard codes.0 == codes.1 else {
        let first = zip(codes.0, codes.1).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        throw ParityError(message: "the operator sequences differ at position \(first) (\(a.count) against \(b.count) operators)")
    }
    return Array(zip(a, b))
}

struct ParityError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A constant tensor's bytes, scales and (for int32) values.
func constant(_ model: TFLiteModel, _ index: Int32) -> (bytes: [UInt8], scales: [Float], int32: [Int32]) {
    let tensor = model.subgraphs[0].tensors[Int(index)]
    let bytes = Array(model.buffers[Int(tensor.buffer)].data)
    let values = stride(from: 0, to: bytes.count - 3, by: 4).map {
        Int32(bitPattern: UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24)
    }
    return (bytes, tensor.quantization?.scale ?? [], tensor.type == .int32 ? values : [])
}
