/// Why a float model could not be built, naming the tensor, operator or parameter at fault.
public enum FloatExportError: Error, Equatable, CustomStringConvertible {
    /// The network's parameter table lacks a tensor the SSD graph needs, or has it with another shape.
    case missingParameter(name: String, expectedShape: [Int])
    /// The file is not a quantized SSD of the model zoo's architecture.
    case notAnSSD(reason: String)
    /// The file's graph is malformed: an index out of range, a constant of the wrong size, ...
    case malformedModel(reason: String)
    /// A tensor holds a type or quantization the float twin cannot turn into float32.
    case unsupportedTensor(name: String, reason: String)

    public var description: String {
        switch self {
        case .missingParameter(let name, let shape):
            return "the network has no parameter '\(name)' of shape \(shape); export needs a network of the model zoo's SSD as `tinyssd train` builds it"
        case .notAnSSD(let reason):
            return "not an int8 SSD-MobileNet-v1 of the model zoo: \(reason)"
        case .malformedModel(let reason):
            return "malformed model: \(reason)"
        case .unsupportedTensor(let name, let reason):
            return "tensor '\(name)': \(reason)"
        }
    }
}
