import Detection
import Foundation
import ImageIO
import Testing
import TFLiteFormat
import Training
@testable import tinyssd

/// `tinyssd quantize`: a checkpoint becomes an int8 .tflite with the settings of the flags or the
/// zoo's config; bad inputs give errors naming what is wrong and leave no output file.
@Suite struct QuantizeCommandTests {
    private let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-quantize-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    private func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    private func checkpoint(_ name: String = "best.safetensors", poison: Bool = false) throws -> String {
        let network = SSDNetwork(architecture: try SSDArchitecture(inputSize: 192, classCount: 2), maxBatch: 1, threads: 1, seed: 7)
        if poison { network.parameters[network.parameters.count / 2] = .nan }
        let file = path(name)
        try Checkpoint(network: network, classNames: ["ellipse", "rectangle"], rescaling: PixelRescaling(), epoch: 1).write(to: file)
        return file
    }

    /// The checkpoint trained for the quantization tests (synthetic shapes, 5 classes, 192).
    private var trained: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("QuantizationTests/Resources/shapes-192.safetensors").path
    }

    /// A small synthetic dataset: `shapes/train` and `shapes/val`.
    private func shapes() throws -> String {
        _ = try SyntheticDatasetWriter().write(to: path("shapes"), trainingCount: 4, validationCount: 3)
        return path("shapes")
    }

    private func model(_ file: String) throws -> TFLiteModel {
        try TFLiteModel(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: file))))
    }

    /// The error `quantize` throws, after checking it wrote no `out.tflite`.
    private func failure(_ arguments: [String]) throws -> String {
        var message = ""
        do {
            try Quantize.parse(arguments + ["--out", path("out.tflite")]).run()
            Issue.record("quantize \(arguments) succeeded")
        } catch {
            message = "\(error)"
        }
        #expect(!FileManager.default.fileExists(atPath: path("out.tflite")), "a failed quantize left its output")
        return message
    }

    @Test func aCheckpointBecomesTheZoosInt8Model() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = try shapes()
        try Quantize.parse(["--model", trained, "--calibration", data + "/train", "--val", data + "/val",
                            "--plots", path("plots"), "--out", path("q.tflite")]).run()
        let graph = try model(path("q.tflite")).subgraphs[0]
        let input = graph.tensors[Int(graph.inputs[0])], output = graph.tensors[Int(graph.outputs[0])]
        #expect(input.type == .uint8 && input.quantization?.zeroPoint == [127])
        #expect(output.type == .float32 && output.shape == [1, 3830, 14])
        let convolutionFilters = graph.tensors.filter { $0.type == .int8 && ($0.quantization?.scale.count ?? 0) > 1 }
        #expect(convolutionFilters.count == 31 + 15)
        let plots = try FileManager.default.contentsOfDirectory(atPath: path("plots")).sorted()
        #expect(plots == ["float_vs_int8_cross.png", "float_vs_int8_ellipse.png", "float_vs_int8_rectangle.png",
                          "float_vs_int8_star.png", "float_vs_int8_triangle.png"])
        _ = try readImage(path: path("plots/float_vs_int8_ellipse.png"))
    }

    @Test func theConfigsQuantizationSectionSetsTheModel() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = try shapes()
        try FileManager.default.createDirectory(atPath: path("exports"), withIntermediateDirectories: true)
        let config = """
            dataset:
              class_names: [ellipse, rectangle, triangle, star, cross]
              training_path: shapes/train
              quantization_path: shapes/train
              quantization_split: 0.5
            quantization:
              quantizer: TFlite_converter
              quantization_type: PTQ
              quantization_input_type: int8
              quantization_output_type: int8
              granularity: per_tensor
              export_dir: exports
            """
        try config.write(toFile: path("user_config.yaml"), atomically: true, encoding: .utf8)
        _ = data
        try Quantize.parse(["--model", trained, "--config", path("user_config.yaml")]).run()
        let graph = try model(path("exports/quantized_model.tflite")).subgraphs[0]
        #expect(graph.tensors[Int(graph.inputs[0])].type == .int8)
        #expect(graph.tensors[Int(graph.outputs[0])].type == .int8)
        #expect(!graph.tensors.contains { $0.type == .int8 && ($0.quantization?.scale.count ?? 0) > 1 })
    }

    @Test func theFixtureConfigsOlderKeysAreAccepted() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures/st-models")
        for size in [192, 224, 256] {
            let file = fixtures.appendingPathComponent("ssd_mobilenet_v1_025_\(size)_config.yaml").path
            guard FileManager.default.fileExists(atPath: file) else {
                if ProcessInfo.processInfo.environment["TINYSSD_REQUIRE_FIXTURES"] == "1" { Issue.record("\(file) is missing") }
                continue
            }
            let configuration = try ModelZooConfiguration.load(file)
            #expect(configuration.quantization?.quantize == true && configuration.quantization?.evaluate == true)
            #expect(configuration.quantization?.quantization_input_type == "uint8")
            #expect(configuration.quantization?.quantization_output_type == "float")
        }
    }

    @Test func badInputsAreNamedAndLeaveNoOutput() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let good = try checkpoint()
        try FileManager.default.createDirectory(atPath: path("empty"), withIntermediateDirectories: true)
        #expect(try failure(["--model", good, "--calibration", path("empty")]).contains("empty holds no"))

        try FileManager.default.createDirectory(atPath: path("corrupt"), withIntermediateDirectories: true)
        try Data("not a jpeg".utf8).write(to: URL(fileURLWithPath: path("corrupt/a.jpg")))
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: path("corrupt/b.png")))
        let unreadable = try failure(["--model", good, "--calibration", path("corrupt")])
        #expect(unreadable.contains("none of the 2 calibration images"), "\(unreadable)")

        let data = try shapes()
        let poisoned = try failure(["--model", try checkpoint("nan.safetensors", poison: true), "--calibration", data + "/train"])
        #expect(poisoned.contains("non-finite") && poisoned.contains("tensor"), "\(poisoned)")

        // This untrained network has dead layers whose degenerate parameters break ADD's kernel.
        let dead = try failure(["--model", good, "--calibration", data + "/train"])
        #expect(dead.contains("would not run") && dead.contains("ADD"), "\(dead)")

        try Data("garbage".utf8).write(to: URL(fileURLWithPath: path("garbage.tflite")))
        #expect(try failure(["--model", path("garbage.tflite"), "--calibration", data + "/train"]).contains("garbage.tflite"))

        // Another architecture's metadata over these tensors: the checkpoint's shapes do not fit.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
        let key = Array("\\\"inputSize\\\":192".utf8)
        let start = try #require((0...(bytes.count - key.count)).first { Array(bytes[$0..<($0 + key.count)]) == key })
        bytes.replaceSubrange((start + key.count - 3)..<(start + key.count), with: Array("224".utf8))
        try Data(bytes).write(to: URL(fileURLWithPath: path("other.safetensors")))
        #expect(try failure(["--model", path("other.safetensors"), "--calibration", data + "/train"]).contains("other.safetensors"))

        do {
            try Quantize.parse(["--model", good, "--calibration", data + "/train", "--out", path("missing/q.tflite")]).run()
            Issue.record("quantize into a missing folder succeeded")
        } catch {
            #expect("\(error)".contains("missing/q.tflite") && "\(error)".contains("does not exist"))
        }
    }

    @Test func aCorruptImageIsSkippedWhenOthersRemain() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let data = try shapes()
        try Data("not a jpeg".utf8).write(to: URL(fileURLWithPath: data + "/train/zzz.jpg"))
        try Quantize.parse(["--model", trained, "--calibration", data + "/train", "--out", path("q.tflite")]).run()
        #expect(FileManager.default.fileExists(atPath: path("q.tflite")))
    }
}
