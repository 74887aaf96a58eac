import Detection
import Foundation
import TFLiteFormat
import Training

/// The float32 network a quantization starts from, with what its file says about preparing images.
public struct FloatModel {
    /// Where the float graph came from.
    public enum Source: String, Sendable, Codable {
        case floatTFLite = "float .tflite"
        case int8TFLite = "int8 model, constants dequantized"
        case checkpoint = "checkpoint, batch normalization folded"
    }

    public var model: TFLiteModel
    public var source: Source
    /// The SSD architecture, when the file is one of the zoo's (checkpoints and int8 files).
    public var architecture: SSDArchitecture?
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

    public init(model: TFLiteModel, source: Source, architecture: SSDArchitecture?, classNames: [String]? = nil,
                rescaling: (scale: Double, offset: Double)? = nil) {
        self.model = model
        self.source = source
        self.architecture = architecture
        self.classNames = classNames
        self.rescaling = rescaling
    }

    /// A checkpoint (`.safetensors`) exported with batch normalization folded (`FloatModelExport`),
    /// an int8 `.tflite` of the zoo's SSD as its float twin (`FloatTwin`), or a float `.tflite` as it is.
    public static func load(path: String) throws -> FloatModel {
        if path.lowercased().hasSuffix(".safetensors") {
            let checkpoint: Checkpoint
            do {
                checkpoint = try Checkpoint(contentsOf: path)
            } catch {
                throw FloatModelError.invalid(path: path, reason: error.description)
            }
            let network = SSDNetwork(architecture: checkpoint.architecture, maxBatch: 1, threads: 1, seed: 0)
            do {
                try checkpoint.load(into: network, path: path)
                let export = try FloatModelExport(network: network)
                return FloatModel(model: export.model, source: .checkpoint, architecture: export.architecture,
                                  classNames: checkpoint.classNames,
                                  rescaling: (Double(checkpoint.rescaling.scale), Double(checkpoint.rescaling.offset)))
            } catch let error as FloatExportError {
                throw FloatModelError.invalid(path: path, reason: error.description)
            } catch let error as TrainingError {
                throw FloatModelError.invalid(path: path, reason: error.description)
            } catch {
                throw FloatModelError.invalid(path: path, reason: "\(error)")
            }
        }
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
            throw FloatModelError.invalid(path: path, reason: "not a .tflite model or a .safetensors checkpoint: \(error.description)")
        }
        guard let graph = model.subgraphs.first, graph.inputs.count == 1, graph.inputs[0] >= 0, Int(graph.inputs[0]) < graph.tensors.count else {
            throw FloatModelError.invalid(path: path, reason: "it has no single input")
        }
        if graph.tensors[Int(graph.inputs[0])].type == .float32 {
            return FloatModel(model: model, source: .floatTFLite, architecture: nil)
        }
        do {
            let twin = try FloatTwin(quantized: model)
            return FloatModel(model: twin.model, source: .int8TFLite, architecture: twin.architecture)
        } catch {
            throw FloatModelError.invalid(path: path, reason: error.description)
        }
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
