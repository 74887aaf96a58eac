import Foundation
import Testing
import TestSupport
import Detection
import Evaluation
import ImageIO
import Runtime
import TFLiteFormat

/// TinySSD end to end on ../shared/fixtures/person-mini: JPEG decoding, OpenCV's resize,
/// pre-processing, the int8 model, decoding and NMS, then the metric, against the model zoo's
/// own run (REFERENCE_RESULTS.json).
@Suite struct PersonMiniPipelineTests {
    static func detector(size: Int) throws -> Detector? {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return nil }
        return try Detector(interpreter: Interpreter(model: TFLiteModel(bytes: bytes)))
    }

    static let evaluationThresholds = PostProcessing(confidenceThreshold: 0.001, nmsThreshold: 0.5)

    @Test(arguments: Fixtures.modelSizes)
    func detectionsAndAPMatchTheModelZoo(size: Int) throws {
        guard let reference = try PersonMiniReferenceTests.reference(size: size),
              let detector = try Self.detector(size: size) else { return }
        let dataset = try YOLODataset(directory: PersonMiniReferenceTests.folder.path)
        var results: [ImageResult] = []
        for labeled in dataset.images {
            let image = try readImage(path: labeled.imagePath)
            let ours = try detector.detect(image, postProcessing: Self.evaluationThresholds)
            let theirs = try #require(reference.detections_stable_ties[labeled.name])
            #expect(ours.count == theirs.count, "\(size) \(labeled.name): \(ours.count) detections, reference \(theirs.count)")
            for (a, b) in zip(ours, theirs) {
                let corners = [a.box.x0, a.box.y0, a.box.x1, a.box.y1].map(Double.init)
                #expect(a.classIndex + 1 == Int(b[0]) && abs(Double(a.score) - b[1]) <= 1e-6
                            && zip(corners, b[2...]).allSatisfy { abs($0 - $1) <= 1e-3 },
                        "\(size) \(labeled.name) anchor \(a.anchorIndex): ours \(a.classIndex + 1) \(a.score) \(corners), reference \(b)")
            }
            results.append(ImageResult(imageWidth: image.width, imageHeight: image.height,
                                       groundTruths: labeled.objects, detections: ours))
        }
        let person = try #require(evaluate(results, classNames: ["person"]).classes.first)
        let expected = try #require(reference.AP_percent_stable_ties["1"])
        #expect(abs(percentAsRecorded(person.averagePrecision) - expected) <= 1e-6,
                "\(size): AP \(person.averagePrecision * 100) % against \(expected) %")
        #expect(person.truePositives == 10 && person.groundTruths == 10)
    }

    @Test func datasetRunnerGivesTheSameReport() throws {
        guard let reference = try PersonMiniReferenceTests.reference(size: 192), let detector = try Self.detector(size: 192) else { return }
        let dataset = try YOLODataset(directory: PersonMiniReferenceTests.folder.path)
        var progress: [Int] = []
        let run = evaluate(detector, on: dataset, classNames: ["person"], postProcessing: Self.evaluationThresholds) { progress.append($0) }
        #expect(run.imagesEvaluated == 11 && run.skipped.isEmpty && run.warnings.isEmpty)
        #expect(progress == Array(1...11))
        let expected = try #require(reference.AP_percent_stable_ties["1"])
        #expect(abs(percentAsRecorded(run.report.meanAveragePrecision) - expected) <= 1e-6)
    }
}
