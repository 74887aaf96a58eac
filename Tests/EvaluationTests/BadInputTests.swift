import Foundation
import Testing
import TestSupport
import Detection
import Evaluation
import Runtime
import TFLiteFormat

/// What an evaluation does with bad input: a corrupt image is reported and skipped, a malformed
/// label line stops it with the file and line, a missing label file means "no objects" plus a warning.
@Suite struct BadInputTests {
    static func photo() throws -> [UInt8]? {
        try Fixtures.bytes(PersonMiniReferenceTests.folder.appendingPathComponent("grace_hopper.jpg"))
    }

    @Test func corruptImageIsSkippedAndTheRunGoesOn() throws {
        guard let photo = try Self.photo(), let detector = try PersonMiniPipelineTests.detector(size: 192) else { return }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Data(photo).write(to: folder.url.appendingPathComponent("good.jpg"))
        try folder.write("good.txt", "0 0.5 0.5 0.4 0.8\n")
        try Data(photo.prefix(photo.count / 2)).write(to: folder.url.appendingPathComponent("truncated.jpg"))
        try folder.write("truncated.txt", "0 0.5 0.5 0.4 0.8\n")
        try Data("not an image".utf8).write(to: folder.url.appendingPathComponent("garbage.png"))
        try folder.write("garbage.txt", "")

        let dataset = try YOLODataset(directory: folder.path)
        let run = evaluate(detector, on: dataset, classNames: ["person"],
                           postProcessing: PostProcessing(confidenceThreshold: 0.001, nmsThreshold: 0.5))
        #expect(run.imagesEvaluated == 1)
        #expect(run.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent }.sorted() == ["garbage.png", "truncated.jpg"])
        #expect(run.skipped.allSatisfy { $0.reason.contains($0.path) })
        #expect(run.skipped.contains { $0.reason.contains("Premature end of JPEG file") })
        // Only the good image's object counts.
        #expect(run.report.classes.first?.groundTruths == 1)
    }

    @Test func malformedLabelLineNamesFileAndLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("a.jpg", "")
        try folder.write("a.txt", "0 0.5 0.5 0.2 0.2\n0 0.5 half 0.2 0.2\n")
        #expect {
            try YOLODataset(directory: folder.path)
        } throws: { error in
            guard case DatasetError.malformedLabelLine(let path, let line, _, _) = error else { return false }
            return path.hasSuffix("a.txt") && line == 2 && "\(error)".contains("a.txt:2")
        }
    }

    @Test func imageWithoutLabelsCountsAsEmptyWithAWarning() throws {
        guard let photo = try Self.photo(), let detector = try PersonMiniPipelineTests.detector(size: 192) else { return }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Data(photo).write(to: folder.url.appendingPathComponent("unlabelled.jpg"))
        let dataset = try YOLODataset(directory: folder.path)
        #expect(dataset.images.first?.objects == [])
        let run = evaluate(detector, on: dataset, classNames: ["person"],
                           postProcessing: PostProcessing(confidenceThreshold: 0.5, nmsThreshold: 0.5))
        #expect(run.imagesEvaluated == 1 && run.skipped.isEmpty)
        #expect(run.warnings.count == 1 && "\(run.warnings[0])".contains("unlabelled"))
        // Grace Hopper is found with confidence above 0.5, and with no ground truth it is a false positive.
        #expect(run.report.classes.first?.falsePositives ?? 0 >= 1)
        #expect(run.report.classes.first?.groundTruths == 0)
    }
}
