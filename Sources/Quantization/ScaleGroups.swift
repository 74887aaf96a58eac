import TFLiteFormat

/// Tensors that must share one scale and zero point because TFLite's int8 kernel of the operator
/// between them requires equal input and output parameters (RESHAPE, PAD, CONCATENATION,
/// RESIZE_BILINEAR, TILE, STRIDED_SLICE): a union-find over tensor indices.
///
/// The converter's quantization driver propagates parameters through such operators in both
/// directions, so every member ends up with the parameters of the group's combined range: a
/// head convolution feeding a RESHAPE and a CONCATENATION takes the concatenation's, an upsampled
/// map takes its source's. A tensor with fixed parameters (SOFTMAX's output) never joins a group:
/// the consumer gets a requantized copy instead (`requantized`).
struct ScaleGroups {
    private var parent: [Int]

    /// Data inputs (float32, not shape operands) of same-scale operators, each with its output.
    static func sameScaleInputs(of op: Operator, code: BuiltinOperator, tensors: [Tensor]) -> [Int] {
        let isFloat: (Int32) -> Bool = { $0 >= 0 && Int($0) < tensors.count && tensors[Int($0)].type == .float32 }
        switch code {
        case .concatenation: return op.inputs.filter(isFloat).map(Int.init)
        case .reshape, .pad, .resizeBilinear, .tile, .stridedSlice:
            return op.inputs.first.map { isFloat($0) ? [Int($0)] : [] } ?? []
        default: return []
        }
    }

    init(tensorCount: Int) {
        parent = Array(0..<tensorCount)
    }

    mutating func root(_ tensor: Int) -> Int {
        var node = tensor
        while parent[node] != node {
            parent[node] = parent[parent[node]]
            node = parent[node]
        }
        return node
    }

    mutating func join(_ a: Int, _ b: Int) {
        let (ra, rb) = (root(a), root(b))
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
}
