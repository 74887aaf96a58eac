import Detection
import Evaluation
import Foundation
import Testing
import TestSupport
@testable import Training

/// `--init model.tflite`: the reference int8 models' weights, dequantized into the float network
/// with identity batch norm, detect people about as well as the int8 models do.
@Suite struct TFLiteInitializationTests {
    struct Reference: Decodable {
        struct Model: Decodable { var AP_percent_stable_ties: [String: Double] }
        var models: [String: Model]
    }

    static func referenceAP(size: Int) throws -> Double? {
        guard let bytes = try Fixtures.bytes(Fixtures.directory.appendingPathComponent("person-mini/REFERENCE_RESULTS.json")) else {
            return nil
        }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(bytes))
        guard let percent = reference.models.first(where: { $0.key.hasSuffix("_\(size)") })?.value.AP_percent_stable_ties["1"] else {
            Issue.record("REFERENCE_RESULTS.json has no AP for the \(size) model")
            return nil
        }
        return percent
    }

    @Test(arguments: Fixtures.modelSizes)
    func floatModelScoresWithinThreePointsOfTheInt8Reference(size: Int) throws {
        guard let expected = try Self.referenceAP(size: size), try Fixtures.modelBytes(size: size) != nil else { return }
        let detector = try CheckpointDetector(tflite: Fixtures.modelURL(size: size).path, classNames: ["person"])
        #expect(detector.network.architecture == (try SSDArchitecture(alpha: 0.25, inputSize: size, classCount: 1)))
        let dataset = try YOLODataset(directory: Fixtures.directory.appendingPathComponent("person-mini").path)
        let run = evaluate(detector, on: dataset, classNames: ["person"],
                           postProcessing: PostProcessing(confidenceThreshold: 0.001, nmsThreshold: 0.5))
        let percent = run.report.meanAveragePrecision * 100
        #expect(run.imagesEvaluated == 11)
        #expect(abs(percent - expected) <= 3, "\(size): float AP \(percent) %, int8 reference \(expected) %")
    }

    @Test func aModelOfAnotherShapeIsRefused() throws {
        guard try Fixtures.modelBytes(size: 192) != nil else { return }
        let network = SSDNetwork(architecture: try SSDArchitecture(inputSize: 224, classCount: 1), maxBatch: 1, threads: 1, seed: 1)
        #expect {
            try TFLiteWeights(contentsOf: Fixtures.modelURL(size: 192).path).load(into: network)
        } throws: { error in
            "\(error)".contains("224 x 224")
        }
    }
}
