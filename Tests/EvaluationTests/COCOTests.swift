import Testing
import Detection
import Evaluation

/// COCO-style mAP@[.50:.95] on the hand-made case of `PascalVOCTests`, worked out by hand.
@Suite struct COCOTests {
    @Test func meanOverTenThresholdsOfHundredOnePointAP() throws {
        let report = evaluate([PascalVOCTests.imageA, PascalVOCTests.imageB], classNames: PascalVOCTests.names)
        // Float IoUs: 1 (and its duplicate, FP), 660/800 = 0.825, 152/400 = 0.38, 0. Thresholds 0.50 ... 0.80:
        // TP FP TP FP FP -> envelope 1 for recall 0 ... 0.33 (34 points), 2/3 for 0.34 ... 0.66 (33 points): 56/101.
        // Thresholds 0.85 ... 0.95: TP then FPs -> 34/101.
        let person = try #require(report.classes[0].cocoAveragePrecision)
        #expect(abs(person - (7 * 56.0 / 101 + 3 * 34.0 / 101) / 10) < 1e-12)
        #expect(report.classes[1].cocoAveragePrecision == nil)
        #expect(report.classes[2].cocoAveragePrecision == 0)
        #expect(abs(report.cocoMeanAveragePrecision - (7 * 56.0 / 101 + 3 * 34.0 / 101) / 20) < 1e-12)
    }

    @Test func aLooseBoxCountsOnlyAtLowThresholds() throws {
        // IoU 0.72 (a 20 x 14.4 box inside a 20 x 20 truth): TP up to 0.70; above, its duplicate (IoU 1)
        // is the TP at rank 2, so precision 1/2 everywhere.
        let image = ImageResult(
            imageWidth: 100, imageHeight: 100, groundTruths: [PascalVOCTests.object(0, 0.2, 0.2, 0.2, 0.2)],
            detections: [PascalVOCTests.detection(0, 0.9, 10, 10, 30, 24.4), PascalVOCTests.detection(0, 0.8, 10, 10, 30, 30)])
        let report = evaluate([image], classNames: ["person"])
        #expect(abs(report.cocoMeanAveragePrecision - (5 * 1.0 + 5 * 0.5) / 10) < 1e-12)
    }
}
