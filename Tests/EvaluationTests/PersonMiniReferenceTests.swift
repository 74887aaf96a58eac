import Foundation
import Testing
import TestSupport
import Detection
import Evaluation

/// The model zoo's own figures on ../shared/fixtures/person-mini (REFERENCE_RESULTS.json): the person
/// labels read with `YOLODataset`, image sizes from the JPEG headers, the reference's detections after NMS.
@Suite struct PersonMiniReferenceTests {
    struct Reference: Decodable {
        struct Counts: Decodable {
            var TP: Double
            var FP: Double
            var positives: Int
        }
        struct Model: Decodable {
            var AP_percent_stable_ties: [String: Double]
            var counts: [String: Counts]
            var detections_stable_ties: [String: [[Double]]]
        }
        var models: [String: Model]
    }

    static let folder = Fixtures.directory.appendingPathComponent("person-mini")

    /// The model's reference, or nil when the fixtures are absent (see `Fixtures.bytes`).
    static func reference(size: Int) throws -> Reference.Model? {
        guard let bytes = try Fixtures.bytes(folder.appendingPathComponent("REFERENCE_RESULTS.json")) else { return nil }
        let reference = try JSONDecoder().decode(Reference.self, from: Data(bytes))
        let model = try #require(reference.models["ssd_mobilenet_v1_025_\(size)"])
        return model
    }

    /// One `ImageResult` per image of the folder; rows are `[model class, score, x0, y0, x1, y1]`.
    static func results(_ model: Reference.Model) throws -> [ImageResult] {
        let dataset = try YOLODataset(directory: folder.path)
        #expect(dataset.images.count == 11)
        #expect(dataset.warnings.isEmpty)
        return try dataset.images.map { image in
            let size = try jpegSize([UInt8](Data(contentsOf: URL(fileURLWithPath: image.imagePath))), path: image.imagePath)
            let rows = try #require(model.detections_stable_ties[image.name], "no reference detections for \(image.name)")
            let detections = try rows.enumerated().map { position, row in
                try #require(row.count == 6, "\(image.name) row \(position) has \(row.count) values")
                // The reference lists no anchor; the row's position stands in for it.
                return Detection(classIndex: Int(row[0]) - 1, score: Float(row[1]),
                                 box: BoundingBox(x0: Float(row[2]), y0: Float(row[3]), x1: Float(row[4]), y1: Float(row[5])),
                                 anchorIndex: position)
            }
            return ImageResult(imageWidth: size.width, imageHeight: size.height, groundTruths: image.objects, detections: detections)
        }
    }

    @Test(arguments: Fixtures.modelSizes)
    func averagePrecisionAndCountsMatchTheModelZoo(size: Int) throws {
        guard let model = try Self.reference(size: size) else { return }
        let results = try Self.results(model)
        let report = evaluate(results, classNames: ["person"])
        #expect(report.classes.count == 1)
        let person = try #require(report.classes.first)
        let expectedPercent = try #require(model.AP_percent_stable_ties["1"])
        let counts = try #require(model.counts["1"])
        #expect(abs(percentAsRecorded(person.averagePrecision) - expectedPercent) <= 1e-6,
                "\(size): AP \(person.averagePrecision * 100) % against \(expectedPercent) %")
        #expect(report.meanAveragePrecision == person.averagePrecision)
        #expect(person.truePositives == Int(counts.TP))
        #expect(person.groundTruths == counts.positives)
        // counts.FP comes from the model zoo's NMS with NumPy's unstable argsort, which keeps fewer boxes
        // than detections_stable_ties lists; here every listed box that is not a TP is an FP.
        let listed = results.reduce(0) { $0 + $1.detections.count }
        #expect(person.falsePositives == listed - person.truePositives)
        #expect(person.falsePositives >= Int(counts.FP))
    }

    @Test(arguments: Fixtures.modelSizes)
    func elevenPointAndCOCOFiguresAreFractions(size: Int) throws {
        guard let model = try Self.reference(size: size) else { return }
        let results = try Self.results(model)
        let everyPoint = evaluate(results, classNames: ["person"])
        let elevenPoint = evaluate(results, classNames: ["person"], interpolation: .elevenPoint)
        #expect((0...1).contains(elevenPoint.meanAveragePrecision))
        #expect(elevenPoint.meanAveragePrecision > 0)
        #expect((0...1).contains(everyPoint.cocoMeanAveragePrecision))
        #expect(everyPoint.cocoMeanAveragePrecision > 0)
        // Stricter thresholds can only lose matches.
        #expect(everyPoint.cocoMeanAveragePrecision <= everyPoint.meanAveragePrecision)
    }
}

/// An AP in percent rounded to the 4 decimals REFERENCE_RESULTS.json records.
func percentAsRecorded(_ fraction: Double) -> Double {
    (fraction * 100 * 10_000).rounded() / 10_000
}
