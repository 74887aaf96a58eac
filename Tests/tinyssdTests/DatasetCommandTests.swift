import ArgumentParser
import Evaluation
import Foundation
import Testing
@testable import tinyssd

/// `tinyssd dataset synth` writes a dataset whose user_config.yaml our own config loader reads and
/// whose paths lead to the YOLO folders; bad flags are refused.
@Suite struct DatasetCommandTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-dataset-\(UUID().uuidString)").path
    }

    @Test func synthWritesALoadableModelZooDataset() throws {
        let folder = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let preview = (folder as NSString).appendingPathComponent("preview.png")
        var command = try Dataset.Synth.parse(["--out", folder, "--train", "6", "--val", "3", "--size", "64", "--classes", "star,cross",
                                               "--input-size", "224", "--preview", preview, "--json", (folder as NSString).appendingPathComponent("summary.json")])
        try command.run()
        let configuration = try ModelZooConfiguration.load((folder as NSString).appendingPathComponent("user_config.yaml"))
        #expect(configuration.dataset?.class_names == ["star", "cross"])
        #expect(configuration.pre_processing?.rescaling?.scale == 127.5)
        let training = try #require(configuration.resolve(configuration.dataset?.training_path))
        let validation = try #require(configuration.resolve(configuration.dataset?.validation_path))
        #expect(try YOLODataset(directory: training).images.count == 6)
        #expect(try YOLODataset(directory: validation).images.count == 3)
        #expect(configuration.resolve(configuration.dataset?.test_path) == nil)
        let yaml = try String(contentsOfFile: (folder as NSString).appendingPathComponent("user_config.yaml"), encoding: .utf8)
        #expect(yaml.contains("input_shape: [224, 224, 3]"))
        #expect(FileManager.default.fileExists(atPath: preview))
        let summary = try Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("summary.json")))
        #expect(String(decoding: summary, as: UTF8.self).contains("\"trainingImages\" : 6"))
        command = try Dataset.Synth.parse(["--out", folder, "--train", "2", "--val", "1", "--size", "64"])
        #expect(throws: (any Error).self) { try command.run() }
    }

    @Test(arguments: [["--classes", "hexagon"], ["--classes", "9"], ["--format", "gif"], ["--min-size", "0.7", "--max-size", "0.3"]])
    func badFlagsAreRefused(flags: [String]) throws {
        let folder = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let command = try Dataset.Synth.parse(["--out", folder, "--train", "2", "--val", "1", "--size", "64"] + flags)
        #expect(throws: ValidationError.self) { try command.run() }
    }

    @Test func previewDrawsAugmentedImages() throws {
        let folder = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let synth = try Dataset.Synth.parse(["--out", folder, "--train", "4", "--val", "1", "--size", "64"])
        try synth.run()
        let out = (folder as NSString).appendingPathComponent("augmented.png")
        let preview = try Dataset.Preview.parse(["--data", (folder as NSString).appendingPathComponent("train"), "--out", out,
                                                 "--config", (folder as NSString).appendingPathComponent("user_config.yaml"),
                                                 "--augment", "--count", "4", "--size", "48"])
        try preview.run()
        #expect(FileManager.default.fileExists(atPath: out))
    }
}
