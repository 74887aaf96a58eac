import Foundation
import Testing
import TestSupport
@testable import tinyssd

/// The model zoo's user_config.yaml files load, and a bad one is refused with its path.
@Suite struct ModelZooConfigurationTests {
    @Test(arguments: Fixtures.modelSizes)
    func referenceConfigsLoad(size: Int) throws {
        let url = Fixtures.directory.appendingPathComponent("st-models/ssd_mobilenet_v1_025_\(size)_config.yaml")
        guard try Fixtures.bytes(url) != nil else { return }
        let configuration = try ModelZooConfiguration.load(url.path)
        #expect(configuration.dataset?.class_names == ["person"])
        #expect(configuration.pre_processing?.rescaling?.scale == 127.5)
        #expect(configuration.pre_processing?.rescaling?.offset == -1)
        #expect(configuration.post_processing?.confidence_thresh == 0.001)
        #expect(configuration.post_processing?.NMS_thresh == 0.5)
        #expect(configuration.post_processing?.IoU_eval_thresh == 0.4)
        #expect(configuration.resolve(configuration.dataset?.test_path) == nil, "an empty test_path means none")
        #expect(configuration.resolve(configuration.dataset?.validation_path)?.hasPrefix(url.deletingLastPathComponent().path) == true)
        #expect(configuration.train_parameters?.batch_size == 64)
        #expect(configuration.train_parameters?.optimizer == "adam")
        #expect(configuration.train_parameters?.initial_learning == 0.001)
        #expect(configuration.train_parameters?.learning_rate_scheduler == "reducelronplateau")
        #expect(configuration.model?.input_shape == [size, size, 3])
        #expect(configuration.model?.model_type?.alpha == 0.25)
        #expect(configuration.data_augmentation?.rotation == 30)
        #expect(configuration.data_augmentation?.horizantal_flip == 0.2)
        #expect(configuration.data_augmentation?.linear_contrast == [0.75, 1.5])
    }

    @Test func unsupportedModelNamesTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-config-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "model:\n  model_type: {name: mobilenet, version: v2, alpha: 0.35}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try ModelZooConfiguration.load(path)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("mobilenet v2")
        }
    }

    @Test func unsupportedPreprocessingNamesTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-config-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "pre_processing:\n  resizing: nearest\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try ModelZooConfiguration.load(path)
        } throws: { error in
            "\(error)".contains(path) && "\(error)".contains("resizing")
        }
    }

    @Test func malformedYAMLNamesTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-config-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "dataset:\n  class_names: [person\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try ModelZooConfiguration.load(path)
        } throws: { error in
            "\(error)".contains(path)
        }
    }
}
