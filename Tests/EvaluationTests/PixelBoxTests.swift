import Testing
import Detection
import Evaluation

/// The model zoo's integer boxes (object_det_metrics/lib/utils.py, convertToAbsoluteValues) and IoU
/// (Evaluator.py, iou), with values worked out by hand.
@Suite struct PixelBoxTests {
    @Test func aLabelBecomesCornersFromTheRoundedStartAndWidth() {
        let box = PixelBox(LabeledObject(classIndex: 0, centerX: 0.2, centerY: 0.5, width: 0.2, height: 0.4),
                           imageWidth: 100, imageHeight: 50)
        #expect(box == PixelBox(x0: 10, y0: 15, x1: 30, y1: 35))
        #expect(box.area == 21 * 21)
    }

    @Test func roundingIsHalfToEven() {
        // (2·0.75 - 0.25)·4/2 = 2.5 -> 2 (not 3); 0.25·4 = 1 -> x1 = 3. (2·0.5 - 0.625)·4/2 = 0.75 -> 1; 0.625·4 = 2.5 -> 2.
        let box = PixelBox(LabeledObject(classIndex: 0, centerX: 0.75, centerY: 0.5, width: 0.25, height: 0.625),
                           imageWidth: 4, imageHeight: 4)
        #expect(box == PixelBox(x0: 2, y0: 1, x1: 3, y1: 3))
    }

    @Test func clampingKeepsTheEndComputedFromTheUnclampedStart() {
        // x: start -5 -> 0 but end stays -5 + 20 = 15; y: start 85, end 105 -> 99.
        let box = PixelBox(LabeledObject(classIndex: 0, centerX: 0.05, centerY: 0.95, width: 0.2, height: 0.2),
                           imageWidth: 100, imageHeight: 100)
        #expect(box == PixelBox(x0: 0, y0: 85, x1: 15, y1: 99))
    }

    @Test func aDetectionGoesThroughRelativeCoordinates() {
        // x: start round(10.4) = 10, end 10 + round(10.4) = 20, not round(20.8) = 21; y: round(50.25) = 50, 50 + round(19.75) = 70.
        let box = PixelBox(BoundingBox(x0: 10.4, y0: 50.25, x1: 20.8, y1: 70), imageWidth: 100, imageHeight: 100)
        #expect(box == PixelBox(x0: 10, y0: 50, x1: 20, y1: 70))
    }

    @Test func aDetectionsWidthIsAFloat32Difference() {
        // 187.8173828125 - 16.31739044189453 is 171.5 in Float32 (171.49999237 in Double): round(171.5) = 172,
        // so x1 = 16 + 172 = 188, where Double arithmetic throughout would give 187.
        let box = PixelBox(BoundingBox(x0: 16.31739044189453, y0: 0, x1: 187.8173828125, y1: 10), imageWidth: 451, imageHeight: 300)
        #expect(box.x0 == 16)
        #expect(box.x1 == 188)
    }

    @Test func iouCountsBothEdgePixels() {
        let truth = PixelBox(x0: 60, y0: 60, x1: 80, y1: 80)
        // 9 x 20 = 180 shared pixels of 441: 0.408 (without "+1" it would be 152 / 400 = 0.38).
        #expect(PixelBox(x0: 60, y0: 60, x1: 68, y1: 79).intersectionOverUnion(with: truth) == 180.0 / 441.0)
        // Touching edges share one column of 21 pixels.
        #expect(PixelBox(x0: 80, y0: 60, x1: 90, y1: 80).intersectionOverUnion(with: truth) == 21.0 / (441 + 231 - 21))
        #expect(PixelBox(x0: 81, y0: 60, x1: 90, y1: 80).intersectionOverUnion(with: truth) == 0)
    }
}
