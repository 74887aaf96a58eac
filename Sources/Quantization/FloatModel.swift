import Foundation
import TFLiteFormat

/// The float32 network a quantization starts from, with what its file says about preparing images.
public struct FloatModel {
    /// Where the float graph came from.
    public enum Source: String, Sendable, Codable {
        case floatTFLite = "float .tflite"
        case int8TFLite = "int8 .tflite (dequantized)"
        case checkpoint = "checkpoint"
    }

    public var model: TFLiteModel
    public var source: Source
    /// Class names stored with a checkpoint.
    public var classNames: [String]?
    /// `pre_processing.rescaling` stored with a checkpoint.
    public var rescaling: (scale: Double, offset: Double)?

    /// Input side of the square [1, S, S, 3] input.
    public var inputSide: Int? {
        guard let graph = model.subgraphs.first, let input = graph.inputs.first, input >= 0, Int(input) < graph.tensors.count else { return nil }
        let shape = graph.tensors[Int(input)].shape
        return shape.count == 4 && shape[1] == shape[2] ? Int(shape[1]) : nil
    }

    public init(model: TFLiteModel, source: Source, classNames: [String]? = nil, rescaling: (scale: Double, offset: Double)? = nil) {
        self.model = model
        self.source = source
        self.classNames = classNames
        self.rescaling = rescaling
    }

    /// A float `.tflite` as it is, an int8 `.tflite` as its float twin, or a checkpoint exported.
    public static func load(path: String) throws -> FloatModel {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw FloatModelError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        let model: TFLiteModel
        do {
            model = try TFLiteModel(bytes: bytes)
        } catch {
            throw FloatModelError.invalid(path: path, reason: error.description)
        }
        guard let graph = model.subgraphs.first, graph.inputs.count == 1, graph.inputs[0] >= 0, Int(graph.inputs[0]) < graph.tensors.count else {
            throw FloatModelError.invalid(path: path, reason: "it has no single input")
        }
        guard graph.tensors[Int(graph.inputs[0])].type == .float32 else {
            throw FloatModelError.invalid(path: path, reason: "its input is \(graph.tensors[Int(graph.inputs[0])].type), not float32")
        }
        return FloatModel(model: model, source: .floatTFLite)
    }
}

/// A model file that cannot be the start of a quantization.
public enum FloatModelError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .invalid(let path, let reason): return "\(path): \(reason)"
        }
    }
}
