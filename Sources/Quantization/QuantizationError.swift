/// What can go wrong turning a float graph into an int8 one, with the tensor or operator named.
public enum QuantizationError: Error, Equatable, CustomStringConvertible {
    /// The float graph has a shape or operator the quantizer does not handle.
    case unsupportedGraph(String)
    /// Calibration saw NaN or an infinity in a tensor.
    case nonFiniteActivation(tensor: String, operatorIndex: Int)
    /// No calibration range was recorded for a tensor that needs one.
    case missingRange(tensor: String)
    /// The int8 graph breaks a constraint of TFLite's int8 kernels (TinySSD's runtime refuses it).
    case unrunnable(reason: String)
    /// Every calibration image was unreadable (or there were none).
    case noCalibrationSamples(attempted: Int)

    public var description: String {
        switch self {
        case .unsupportedGraph(let reason): return "cannot quantize this graph: \(reason)"
        case .nonFiniteActivation(let tensor, let op):
            return "calibration produced a non-finite value in tensor \(tensor) (output of operator \(op)); check the model's weights and the calibration images"
        case .missingRange(let tensor): return "no calibration range for tensor \(tensor)"
        case .unrunnable(let reason):
            return "the quantized model would not run: \(reason); the calibration ranges of some layers are degenerate (an untrained or dead layer?)"
        case .noCalibrationSamples(let attempted):
            return attempted == 0 ? "there are no calibration images" : "none of the \(attempted) calibration images could be read"
        }
    }
}
