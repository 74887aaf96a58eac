import Testing
@testable import Detection

/// Decoding and NMS on hand-made model outputs.
@Suite struct PostProcessingTests {
    /// Rows of [background, person, dx0, dy0, dx1, dy1, ax0, ay0, ax1, ay1].
    static func withOutput<R>(_ rows: [[Float]], _ body: (SSDOutput) -> R) -> R {
        let flat = rows.flatMap { $0 }
        return flat.withUnsafeBufferPointer { body(SSDOutput(rows: $0, anchorCount: rows.count)!) }
    }

    @Test func decodesOffsetsRelativeToTheAnchorAndScalesToTheImage() {
        // Anchor (0.2, 0.4)-(0.6, 0.8): width and height 0.4. Offsets move each corner by 0.25 * 0.4.
        let box = Self.withOutput([[0.1, 0.9, 0.25, -0.25, 0.25, 0, 0.2, 0.4, 0.6, 0.8]]) {
            $0.decodedBox(anchor: 0, imageWidth: 100, imageHeight: 50)
        }
        #expect(abs(box.x0 - 30) < 1e-4 && abs(box.y0 - 15) < 1e-4 && abs(box.x1 - 70) < 1e-4 && abs(box.y1 - 40) < 1e-4)
    }

    @Test func suppressesOverlapsAtOrAboveTheThresholdAndKeepsAnchorOrder() {
        // 2x1 boxes in a 10x10 image: anchor 1 scores highest; anchor 0 overlaps it with IoU 1/3,
        // so NMS 0.3 drops it and NMS 0.5 keeps it; anchor 2 is far away.
        let rows: [[Float]] = [
            [0, 0.6, 0, 0, 0, 0, 0.0, 0.0, 0.2, 0.1],   // x 0-2, y 0-1
            [0, 0.8, 0, 0, 0, 0, 0.1, 0.0, 0.3, 0.1],   // x 1-3: overlap 1, union 3
            [0, 0.7, 0, 0, 0, 0, 0.6, 0.6, 0.8, 0.7],
            [0, 0.0005, 0, 0, 0, 0, 0.6, 0.6, 0.8, 0.7], // below the confidence threshold
        ]
        let strict = Self.withOutput(rows) {
            $0.detections(imageWidth: 10, imageHeight: 10, postProcessing: PostProcessing(confidenceThreshold: 0.001, nmsThreshold: 0.3))
        }
        #expect(strict.map(\.anchorIndex) == [1, 2])
        let loose = Self.withOutput(rows) {
            $0.detections(imageWidth: 10, imageHeight: 10, postProcessing: PostProcessing(confidenceThreshold: 0.001, nmsThreshold: 0.5))
        }
        #expect(loose.map(\.anchorIndex) == [0, 1, 2])
        #expect(loose.allSatisfy { $0.classIndex == 0 })
    }

    @Test func equalScoresAreVisitedInAnchorOrder() {
        // Two identical boxes with the same score: the first anchor wins.
        let rows: [[Float]] = [
            [0, 0.5, 0, 0, 0, 0, 0.1, 0.1, 0.5, 0.5],
            [0, 0.5, 0, 0, 0, 0, 0.1, 0.1, 0.5, 0.5],
        ]
        let kept = Self.withOutput(rows) {
            $0.detections(imageWidth: 1, imageHeight: 1, postProcessing: PostProcessing(confidenceThreshold: 0.1, nmsThreshold: 0.5))
        }
        #expect(kept.map(\.anchorIndex) == [0])
    }

    @Test func rejectsOutputsThatAreNotSSDRows() {
        let flat: [Float] = [1, 2, 3]
        #expect(flat.withUnsafeBufferPointer { SSDOutput(rows: $0, anchorCount: 1) } == nil)
    }
}
