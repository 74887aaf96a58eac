import Foundation
import Quantization
import Yams

/// The parts of the STM32 model zoo's `user_config.yaml` that TinySSD uses. Sections and keys it
/// does not know are ignored, so the zoo's own files load unchanged.
struct ModelZooConfiguration: Decodable {
    struct General: Decodable {
        var project_name: String?
        var model_path: String?
        var saved_models_dir: String?
    }

    struct TrainParameters: Decodable {
        var batch_size: Int?
        var training_epochs: Int?
        var optimizer: String?
        var initial_learning: Double?
        var learning_rate_scheduler: String?
    }

    struct Dataset: Decodable {
        var name: String?
        var class_names: [String]?
        var training_path: String?
        var validation_path: String?
        var test_path: String?
        var quantization_path: String?
        /// Fraction of `quantization_path` to calibrate on (empty: all of it).
        var quantization_split: Double?
    }

    struct Rescaling: Decodable {
        var scale: Double
        var offset: Double
    }

    struct PreProcessing: Decodable {
        var rescaling: Rescaling?
        var resizing: String?
        var aspect_ratio: Bool?
        var color_mode: String?
    }

    struct PostProcessing: Decodable {
        var confidence_thresh: Double?
        var NMS_thresh: Double?
        var IoU_eval_thresh: Double?
    }

    struct DataAugmentation: Decodable {
        var augment: Bool?
        var rotation: Double?
        var shearing: Double?
        var translation: Double?
        var vertical_flip: Double?
        /// The model zoo's spelling.
        var horizantal_flip: Double?
        var gaussian_blur: Double?
        var linear_contrast: [Double]?
    }

    struct ModelType: Decodable {
        var name: String?
        var version: String?
        var alpha: Double?
    }

    struct Model: Decodable {
        var model_type: ModelType?
        var input_shape: [Int]?
        var transfer_learning: Bool?
    }

    /// The zoo's quantization service settings; `quantize` and `evaluate` are the older keys.
    struct Quantization: Decodable {
        var quantize: Bool?
        var evaluate: Bool?
        var quantizer: String?
        var quantization_type: String?
        var quantization_input_type: String?
        var quantization_output_type: String?
        var granularity: String?
        var optimize: Bool?
        var export_dir: String?
    }

    var general: General?
    var train_parameters: TrainParameters?
    var dataset: Dataset?
    var pre_processing: PreProcessing?
    var post_processing: PostProcessing?
    var data_augmentation: DataAugmentation?
    var model: Model?
    var quantization: Quantization?

    /// The folder of the file: relative dataset and model paths are resolved against it.
    var directory = URL(fileURLWithPath: ".")

    private enum CodingKeys: String, CodingKey {
        case general, train_parameters, dataset, pre_processing, post_processing, data_augmentation, model, quantization
    }

    static func load(_ path: String) throws -> ModelZooConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw FileError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        var configuration: ModelZooConfiguration
        do {
            configuration = try YAMLDecoder().decode(ModelZooConfiguration.self, from: text)
        } catch let error as YamlError {
            throw FileError.invalidConfiguration(path: path, reason: "\(error)")
        } catch let error as DecodingError {
            throw FileError.invalidConfiguration(path: path, reason: describe(error))
        }
        configuration.directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try configuration.validate(path)
        return configuration
    }

    /// A path from the file, made absolute against the file's folder; nil when empty.
    func resolve(_ path: String?) -> String? {
        guard let path, !path.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return path.hasPrefix("/") ? path : directory.appendingPathComponent(path).standardizedFileURL.path
    }

    private func validate(_ path: String) throws {
        if let resizing = pre_processing?.resizing, resizing.lowercased() != "bilinear" {
            throw FileError.invalidConfiguration(path: path, reason: "pre_processing.resizing '\(resizing)' is not supported (only bilinear)")
        }
        if pre_processing?.aspect_ratio == true {
            throw FileError.invalidConfiguration(path: path, reason: "pre_processing.aspect_ratio True is not supported (the model zoo's SSD models resize without keeping it)")
        }
        if let mode = pre_processing?.color_mode, !["rgb", "bgr"].contains(mode.lowercased()) {
            throw FileError.invalidConfiguration(path: path, reason: "pre_processing.color_mode '\(mode)' is not supported (rgb or bgr)")
        }
        if let scale = pre_processing?.rescaling?.scale, scale == 0 || !scale.isFinite {
            throw FileError.invalidConfiguration(path: path, reason: "pre_processing.rescaling.scale must be a non-zero number")
        }
        if let type = model?.model_type, let name = type.name, name.lowercased() != "mobilenet" || (type.version.map { $0.lowercased() != "v1" } ?? false) {
            throw FileError.invalidConfiguration(path: path, reason: "model.model_type \(name) \(type.version ?? "") is not supported (mobilenet v1)")
        }
        if let shape = model?.input_shape, shape.count != 3 || shape[0] != shape[1] || shape[2] != 3 {
            throw FileError.invalidConfiguration(path: path, reason: "model.input_shape \(shape) is not a square RGB shape [size, size, 3]")
        }
        if let quantizer = quantization?.quantizer, quantizer.lowercased() != "tflite_converter" {
            throw FileError.invalidConfiguration(path: path, reason: "quantization.quantizer '\(quantizer)' is not supported (TFlite_converter: TinySSD does what the TFLite converter does)")
        }
        if let type = quantization?.quantization_type, type.uppercased() != "PTQ" {
            throw FileError.invalidConfiguration(path: path, reason: "quantization.quantization_type '\(type)' is not supported (PTQ)")
        }
        for (key, value) in [("quantization_input_type", quantization?.quantization_input_type),
                             ("quantization_output_type", quantization?.quantization_output_type)] {
            if let value, InterfaceType(rawValue: value.lowercased()) == nil {
                throw FileError.invalidConfiguration(path: path, reason: "quantization.\(key) '\(value)' is not one of int8, uint8, float")
            }
        }
        if let granularity = quantization?.granularity, WeightGranularity(rawValue: granularity.lowercased()) == nil {
            throw FileError.invalidConfiguration(path: path, reason: "quantization.granularity '\(granularity)' is not one of per_channel, per_tensor")
        }
        if let split = dataset?.quantization_split, !(split > 0 && split <= 1) {
            throw FileError.invalidConfiguration(path: path, reason: "dataset.quantization_split \(split) must lie in (0, 1]")
        }
        if let contrast = data_augmentation?.linear_contrast, contrast.count != 2 || contrast[0] > contrast[1] {
            throw FileError.invalidConfiguration(path: path, reason: "data_augmentation.linear_contrast must be [low, high]")
        }
    }
}

private func describe(_ error: DecodingError) -> String {
    func location(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
        return "\(location(context)): \(context.debugDescription)"
    @unknown default:
        return "\(error)"
    }
}
