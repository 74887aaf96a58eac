import Foundation
import Yams

/// The parts of the STM32 model zoo's `user_config.yaml` that TinySSD uses. Sections and keys it
/// does not know are ignored, so the zoo's own files load unchanged.
struct ModelZooConfiguration: Decodable {
    struct General: Decodable {
        var model_path: String?
    }

    struct Dataset: Decodable {
        var name: String?
        var class_names: [String]?
        var training_path: String?
        var validation_path: String?
        var test_path: String?
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

    var general: General?
    var dataset: Dataset?
    var pre_processing: PreProcessing?
    var post_processing: PostProcessing?

    /// The folder of the file: relative dataset and model paths are resolved against it.
    var directory = URL(fileURLWithPath: ".")

    private enum CodingKeys: String, CodingKey {
        case general, dataset, pre_processing, post_processing
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
