import Foundation
import Testing
import Detection
import Evaluation

/// Small cases worked out by hand. Both images are 100 x 100 pixels; boxes are given in whole pixels.
@Suite struct PascalVOCTests {
    static func detection(_ classIndex: Int, _ score: Float, _ x0: Float, _ y0: Float, _ x1: Float, _ y1: Float) -> Detection {
        Detection(classIndex: classIndex, score: score, box: BoundingBox(x0: x0, y0: y0, x1: x1, y1: y1), anchorIndex: 0)
    }

    static func object(_ classIndex: Int, _ cx: Double, _ cy: Double, _ w: Double, _ h: Double) -> LabeledObject {
        LabeledObject(classIndex: classIndex, centerX: cx, centerY: cy, width: w, height: h)
    }

    /// Image A: persons at [10,10,30,30] and [60,60,80,80]. Image B: a person at [30,40,70,60] and a dog.
    /// Person detections, by score: exact hit (TP), its duplicate (FP), B's partial hit at the same
    /// score (TP, IoU 714/861), a box with IoU 180/441 = 0.408 (TP only with "+1 pixel"), a miss (FP).
    /// A car detection has no car ground truth; the dog is never detected.
    static let imageA = ImageResult(
        imageWidth: 100, imageHeight: 100,
        groundTruths: [object(0, 0.2, 0.2, 0.2, 0.2), object(0, 0.7, 0.7, 0.2, 0.2)],
        detections: [detection(0, 0.9, 10, 10, 30, 30), detection(0, 0.8, 10, 10, 30, 30),
                     detection(0, 0.7, 60, 60, 68, 79), detection(1, 0.5, 10, 10, 30, 30)])
    static let imageB = ImageResult(
        imageWidth: 100, imageHeight: 100,
        groundTruths: [object(0, 0.5, 0.5, 0.4, 0.2), object(2, 0.1, 0.9, 0.1, 0.1)],
        detections: [detection(0, 0.8, 30, 40, 63, 60), detection(0, 0.6, 0, 0, 5, 5)])
    static let names = ["person", "car", "dog"]

    @Test func everyPointAveragePrecision() throws {
        let report = evaluate([Self.imageA, Self.imageB], classNames: Self.names)
        #expect(report.classes.map(\.name) == Self.names)
        let person = report.classes[0]
        // TP FP TP TP FP over 3 ground truths: precision 1, 1/2, 2/3, 3/4, 3/5 at recall 1/3, 1/3, 2/3, 1, 1.
        #expect(person.truePositives == 3)
        #expect(person.falsePositives == 2)
        #expect(person.groundTruths == 3)
        let precisions: [Double] = [1, 1.0 / 2, 2.0 / 3, 3.0 / 4, 3.0 / 5]
        let recalls: [Double] = [1.0 / 3, 1.0 / 3, 2.0 / 3, 1, 1]
        #expect(person.precisions == precisions)
        #expect(person.recalls == recalls)
        // Envelope 1 up to recall 1/3, then 3/4: 1/3 + 1/3 * 3/4 + 1/3 * 3/4.
        #expect(abs(person.averagePrecision - 5.0 / 6) < 1e-12)
        let car = report.classes[1]
        #expect((car.truePositives, car.falsePositives, car.groundTruths, car.averagePrecision) == (0, 1, 0, 0))
        let dog = report.classes[2]
        #expect((dog.truePositives, dog.falsePositives, dog.groundTruths, dog.averagePrecision) == (0, 0, 1, 0))
        #expect(abs(report.meanAveragePrecision - 5.0 / 18) < 1e-12)
    }

    @Test func elevenPointAveragePrecision() {
        let report = evaluate([Self.imageA, Self.imageB], classNames: Self.names, interpolation: .elevenPoint)
        // Recall >= 1.0 ... 0.4: best precision 3/4 (7 points); recall >= 0.3 ... 0: 1 (4 points).
        #expect(abs(report.classes[0].averagePrecision - 9.25 / 11) < 1e-12)
        #expect(abs(report.meanAveragePrecision - 9.25 / 33) < 1e-12)
        #expect(report.interpolation == .elevenPoint)
    }

    @Test func equalScoresKeepImageOrder() {
        // With image B first, its hit at 0.8 ranks before A's duplicate: TP TP FP TP FP, AP 1/3 + 1/3 + 1/3 * 3/4.
        let report = evaluate([Self.imageB, Self.imageA], classNames: Self.names)
        let precisions: [Double] = [1, 1, 2.0 / 3, 3.0 / 4, 3.0 / 5]
        #expect(report.classes[0].precisions == precisions)
        #expect(abs(report.classes[0].averagePrecision - 11.0 / 12) < 1e-12)
    }

    @Test func theThresholdIsInclusiveOfTheIoU() {
        // 0.408 passes 0.4 but not 0.41: the third person TP becomes an FP.
        let strict = evaluate([Self.imageA, Self.imageB], classNames: Self.names, iouThreshold: 0.41)
        #expect(strict.classes[0].truePositives == 2)
        #expect(strict.iouThreshold == 0.41)
        let exact = evaluate([Self.imageA, Self.imageB], classNames: Self.names, iouThreshold: 180.0 / 441)
        #expect(exact.classes[0].truePositives == 3)
    }

    @Test func aDetectionWhoseBestGroundTruthIsTakenIsFalse() {
        // Ground truths [10,10,30,30] and [20,10,40,30]; the second detection [12,10,32,30] overlaps
        // the first by 399/483 and the free second by 273/609 = 0.448: the model zoo counts it FP.
        let image = ImageResult(
            imageWidth: 100, imageHeight: 100,
            groundTruths: [Self.object(0, 0.2, 0.2, 0.2, 0.2), Self.object(0, 0.3, 0.2, 0.2, 0.2)],
            detections: [Self.detection(0, 0.9, 10, 10, 30, 30), Self.detection(0, 0.8, 12, 10, 32, 30)])
        let person = evaluate([image], classNames: ["person"]).classes[0]
        #expect((person.truePositives, person.falsePositives) == (1, 1))
        #expect(abs(person.averagePrecision - 0.5) < 1e-12)
    }

    @Test func nothingToEvaluateGivesZero() {
        let report = evaluate([ImageResult(imageWidth: 10, imageHeight: 10, groundTruths: [], detections: [])], classNames: [])
        #expect(report.classes.isEmpty)
        #expect(report.meanAveragePrecision == 0)
        #expect(report.cocoMeanAveragePrecision == 0)
    }

    @Test func interpolationWorksOnAnyCurve() {
        // Precision 1/2 up to recall 1/2, then nothing: every point 1/2 * 1/2; eleven point 6 points of 1/2.
        #expect(APInterpolation.everyPoint.averagePrecision(precisions: [0.5, 0.5], recalls: [0.25, 0.5]) == 0.25)
        #expect(APInterpolation.elevenPoint.averagePrecision(precisions: [0.5, 0.5], recalls: [0.25, 0.5]) == 3.0 / 11)
        #expect(APInterpolation.everyPoint.averagePrecision(precisions: [], recalls: []) == 0)
    }

    @Test func elevenPointUsesNumPysRecallLevels() {
        // numpy.linspace(0, 1, 11) puts the fourth level at 0.30000000000000004, above a recall of 3/10:
        // levels 0, 0.1, 0.2 see precision 1, levels 0.3 and 0.4 only the 1/2 at recall 0.4.
        let ap = APInterpolation.elevenPoint.averagePrecision(precisions: [1, 0.5], recalls: [3.0 / 10, 0.4])
        #expect(ap == 4.0 / 11)
    }

    @Test func theReportEncodesFiguresButNotCurves() throws {
        let report = evaluate([Self.imageA, Self.imageB], classNames: Self.names)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        let map = try #require(json?["map"] as? Double)
        #expect(abs(map - 5.0 / 18) < 1e-12)
        #expect(json?["interpolation"] as? String == "everyPoint")
        let classes = try #require(json?["classes"] as? [[String: Any]])
        #expect(classes.count == 3)
        #expect(Set(classes[0].keys) == ["classIndex", "name", "ap", "truePositives", "falsePositives", "groundTruths", "cocoAP"])
        #expect(classes[0]["name"] as? String == "person")
        #expect(classes[0]["truePositives"] as? Int == 3)
        #expect(classes[1]["cocoAP"] == nil)
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: JSONEncoder().encode(report))
        #expect(decoded.classes.map(\.averagePrecision) == report.classes.map(\.averagePrecision))
        #expect(decoded.classes[0].precisions.isEmpty)
    }
}
