/// The int8 parameters every activation of a float graph gets: tensors grouped through the
/// operators whose kernels need equal parameters (`ScaleGroups`), each group quantized over the
/// union of its members' ranges; SOFTMAX outputs fixed, with a requantized copy for each consumer
/// that needs its group's parameters instead.
struct ParameterPlan {
    /// Where a SOFTMAX output is read by a same-scale operator: that operand gets a requantized copy.
    struct Requantization {
        var softmaxOutput: Int
        var consumer: Int
        var slot: Int
    }

    private(set) var groups: ScaleGroups
    private(set) var groupRanges: [Int: ValueRange] = [:]
    /// Groups holding the output of an operator with a fused ReLU, ReLU6 or ReLU1.
    private(set) var clampedGroups = Set<Int>()
    private(set) var requantizations: [Requantization] = []
    /// The operator whose float32 CONCATENATION replaces the int8 one (separate output scales).
    let finalConcatenation: Int?
    let softmaxOutputs: Set<Int>

    init(_ float: FloatGraph, ranges: [Int: ValueRange], options: QuantizationOptions) throws(QuantizationError) {
        let operators = float.graph.operators
        softmaxOutputs = float.softmaxOutputs
        if options.separateOutputScales {
            guard let last = operators.indices.first(where: {
                float.codes[$0] == .concatenation && operators[$0].outputs.first == Int32(float.output)
            }) else { throw .unsupportedGraph("separate output scales need the output to come from a CONCATENATION") }
            guard options.outputType == .float else { throw .unsupportedGraph("separate output scales need float output") }
            finalConcatenation = last
        } else {
            finalConcatenation = nil
        }

        groups = ScaleGroups(tensorCount: float.tensors.count)
        for (index, op) in operators.enumerated() where index != finalConcatenation {
            guard let out = op.outputs.first, out >= 0 else { continue }
            for member in ScaleGroups.sameScaleInputs(of: op, code: float.codes[index], tensors: float.tensors) {
                if softmaxOutputs.contains(member) {
                    for slot in op.inputs.indices where Int(op.inputs[slot]) == member {
                        requantizations.append(Requantization(softmaxOutput: member, consumer: index, slot: slot))
                    }
                } else {
                    groups.join(member, Int(out))
                }
            }
        }
        for tensor in float.tensors.indices where float.tensors[tensor].type == .float32 && !float.weightOperands.contains(tensor)
            && !softmaxOutputs.contains(tensor) {
            if let range = ranges[tensor] { widen(groups.root(tensor), by: range) }
        }
        // TensorFlow 2.21's calibration widens ADD's first input by the ADD's output range (seen on
        // every top-down merge of the SSD, where that input dies at the ADD, which TFLite then runs
        // in place); the output keeps its own. The reference files' older converter does not.
        if options.converter == .tensorflow2_21 {
            for (op, code) in zip(operators, float.codes) where code == .add {
                guard let first = op.inputs.first, first >= 0, float.tensors[Int(first)].type == .float32,
                      let out = op.outputs.first, out >= 0, let range = ranges[Int(out)] else { continue }
                widen(groups.root(Int(first)), by: range)
            }
        }
        for op in operators where GraphQuantizer.hasFusedClamp(op.options) {
            for output in op.outputs where output >= 0 { clampedGroups.insert(groups.root(Int(output))) }
        }
    }

    private mutating func widen(_ root: Int, by range: ValueRange) {
        groupRanges[root] = groupRanges[root].map { $0.union(range) } ?? range
    }

    /// The parameters of a float activation (or a float constant that flows like one, e.g. anchors).
    mutating func parameters(of tensor: Int, name: String) throws(QuantizationError) -> AffineQuantization {
        if softmaxOutputs.contains(tensor) { return .softmaxOutput }
        let root = groups.root(tensor)
        guard let range = groupRanges[root] else { throw .missingRange(tensor: name) }
        return AffineQuantization(int8Covering: range, fusedClamp: clampedGroups.contains(root))
    }

    /// The parameters of the requantized copy a consumer reads: those of its output's group.
    mutating func parameters(ofCopyReadBy consumerOutput: Int, name: String) throws(QuantizationError) -> AffineQuantization {
        guard let range = groupRanges[groups.root(consumerOutput)] else { throw .missingRange(tensor: name) }
        return AffineQuantization(int8Covering: range)
    }
}
