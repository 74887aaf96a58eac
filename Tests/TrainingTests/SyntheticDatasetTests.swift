import Evaluation
import Foundation
import Testing
@testable import Training

/// The written dataset is deterministic, reads back cleanly with the YOLO reader, and the writer
/// refuses to mix runs.
@Suite struct SyntheticDatasetTests {
    private func smallWriter(seed: UInt64) -> SyntheticDatasetWriter {
        var writer = SyntheticDatasetWriter()
        writer.options.imageSize = 64
        writer.seed = seed
        return writer
    }

    @Test func sameSeedGivesByteIdenticalFiles() throws {
        let first = try DataTestFolder(), second = try DataTestFolder(), third = try DataTestFolder()
        defer { first.remove(); second.remove(); third.remove() }
        _ = try smallWriter(seed: 5).write(to: first.path, trainingCount: 40, validationCount: 9)
        _ = try smallWriter(seed: 5).write(to: second.path, trainingCount: 40, validationCount: 9)
        _ = try smallWriter(seed: 6).write(to: third.path, trainingCount: 40, validationCount: 9)
        let a = try first.contents(), b = try second.contents(), c = try third.contents()
        #expect(a.count == 2 * 49 + 1)
        #expect(a == b)
        #expect(a["train/000000.jpg"] != c["train/000000.jpg"])
    }

    @Test func yoloReaderReadsTheOutputCleanly() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        var writer = smallWriter(seed: 2)
        writer.format = .png
        writer.options.classes = [.star, .cross, .triangle]
        let summary = try writer.write(to: folder.path, trainingCount: 12, validationCount: 5)
        #expect(summary.classNames == ["star", "cross", "triangle"])
        var objects = 0
        for (split, count) in [("train", 12), ("val", 5)] {
            let dataset = try YOLODataset(directory: folder.path(split))
            #expect(dataset.warnings.isEmpty)
            #expect(dataset.images.count == count)
            #expect(dataset.images.allSatisfy { $0.imagePath.hasSuffix(".png") && !$0.objects.isEmpty })
            for object in dataset.images.flatMap(\.objects) {
                objects += 1
                #expect((0..<3).contains(object.classIndex))
                #expect(object.centerX - object.width / 2 >= -1e-6 && object.centerX + object.width / 2 <= 1 + 1e-6)
                #expect(object.centerY - object.height / 2 >= -1e-6 && object.centerY + object.height / 2 <= 1 + 1e-6)
                #expect(object.width > 0 && object.height > 0)
            }
        }
        #expect(objects == summary.objectsPerClass.reduce(0, +))
        let yaml = try String(contentsOfFile: folder.path("user_config.yaml"), encoding: .utf8)
        #expect(yaml.contains("class_names: [star, cross, triangle]"))
        #expect(yaml.contains("training_path: train") && yaml.contains("validation_path: val"))
        #expect(yaml.contains("input_shape: [192, 192, 3]"))
    }

    @Test func refusesToMixWithAnEarlierRunUnlessOverwriting() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        _ = try smallWriter(seed: 1).write(to: folder.path, trainingCount: 6, validationCount: 2)
        #expect(throws: SyntheticDatasetError.existingOutput(path: folder.path("train"))) {
            try smallWriter(seed: 1).write(to: folder.path, trainingCount: 3, validationCount: 2)
        }
        var writer = smallWriter(seed: 1)
        writer.overwrite = true
        _ = try writer.write(to: folder.path, trainingCount: 3, validationCount: 2)
        #expect(try YOLODataset(directory: folder.path("train")).images.count == 3)
    }

    @Test func invalidOptionsAreRefusedBeforeWriting() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        var writer = smallWriter(seed: 1)
        writer.options.maximumObjects = 0
        #expect(throws: SyntheticDatasetError.self) {
            try writer.write(to: folder.path, trainingCount: 3, validationCount: 1)
        }
        #expect(try folder.contents().isEmpty)
    }
}
