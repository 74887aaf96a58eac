import TFLiteFormat

/// Why a model cannot be prepared or run. Messages name the operator (index and type) or
/// tensor involved, so the problem can be found in a model viewer.
public enum RuntimeError: Error, Equatable, CustomStringConvertible {
    case noSubgraph
    case unsupportedOperator(operatorIndex: Int, name: String)
    case unsupportedVersion(operatorIndex: Int, name: String, version: Int32, maximum: Int32)
    case invalidOperator(operatorIndex: Int, name: String, reason: String)
    case invalidTensor(tensorIndex: Int, name: String, reason: String)
    case invalidGraph(reason: String)
    case tooLarge(what: String, bytes: Int, limit: Int)
    case inputSize(inputIndex: Int, expectedBytes: Int, actualBytes: Int)
    case noSuchTensor(index: Int, count: Int)

    public var description: String {
        switch self {
        case .noSubgraph:
            return "the model has no subgraph to run"
        case .unsupportedOperator(let index, let name):
            return "operator \(index) (\(name)) is not supported by TinySSD's runtime"
        case .unsupportedVersion(let index, let name, let version, let maximum):
            return "operator \(index) (\(name)) has version \(version); TinySSD supports up to version \(maximum)"
        case .invalidOperator(let index, let name, let reason):
            return "operator \(index) (\(name)): \(reason)"
        case .invalidTensor(let index, let name, let reason):
            return "tensor \(index) '\(name)': \(reason)"
        case .invalidGraph(let reason):
            return "invalid graph: \(reason)"
        case .tooLarge(let what, let bytes, let limit):
            return "\(what) needs \(bytes) bytes, more than the limit of \(limit) bytes"
        case .inputSize(let index, let expected, let actual):
            return "input \(index) expects \(expected) bytes, got \(actual)"
        case .noSuchTensor(let index, let count):
            return "no tensor \(index): the model has \(count) tensors"
        }
    }
}
