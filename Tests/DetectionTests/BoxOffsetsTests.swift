import Detection
import TestSupport
import Testing

@Suite struct BoxOffsetsTests {
    @Test func encodesEachCornerInAnchorWidthsAndHeights() {
        // Anchor 0.4 wide and 0.2 high: x corners move by 0.1 = 0.25 widths, y corners by 0.05 = 0.25 heights.
        let anchor = BoundingBox(x0: 0.2, y0: 0.4, x1: 0.6, y1: 0.6)
        let box = BoundingBox(x0: 0.3, y0: 0.35, x1: 0.5, y1: 0.7)
        let offsets = BoxOffsets(encoding: box, relativeTo: anchor)
        #expect(abs(offsets.x0 - 0.25) < 1e-6)
        #expect(abs(offsets.y0 + 0.25) < 1e-6)
        #expect(abs(offsets.x1 + 0.25) < 1e-6)
        #expect(abs(offsets.y1 - 0.5) < 1e-6)
        #expect(BoxOffsets(encoding: anchor, relativeTo: anchor) == .zero)
    }

    @Test func decodingInvertsEncodingExactlyOnBinaryFractions() {
        let anchor = BoundingBox(x0: -0.125, y0: 0.25, x1: 0.375, y1: 1.25)
        let box = BoundingBox(x0: 0.0625, y0: 0.5, x1: 0.8125, y1: 0.75)
        let offsets = BoxOffsets(encoding: box, relativeTo: anchor)
        #expect(offsets == BoxOffsets(x0: 0.375, y0: 0.25, x1: 0.875, y1: -0.5))
        #expect(offsets.decoded(relativeTo: anchor) == box)
    }

    /// Against every real anchor and random boxes: our decoding and the inference decoder
    /// (`SSDOutput.decodedBox`, pixels of a 640x480 image) both return the encoded box.
    @Test func inferenceDecodingInvertsEncoding() throws {
        let anchors = try SSDArchitecture(inputSize: 192, classCount: 1).anchorBoxes
        var random = DeterministicRandom(seed: 5)
        var rows: [Float] = []
        var boxes: [BoundingBox] = []
        for anchor in anchors {
            let x = random.unitFloat(), y = random.unitFloat()
            let box = BoundingBox(x0: x, y0: y, x1: x + random.unitFloat() * (1 - x), y1: y + random.unitFloat() * (1 - y))
            let offsets = BoxOffsets(encoding: box, relativeTo: anchor)
            let decoded = offsets.decoded(relativeTo: anchor)
            #expect(maxDifference(decoded, box) < 3e-7, "\(decoded) vs \(box)")
            boxes.append(box)
            rows += [0.5, 0.5, offsets.x0, offsets.y0, offsets.x1, offsets.y1, anchor.x0, anchor.y0, anchor.x1, anchor.y1]
        }
        rows.withUnsafeBufferPointer { buffer in
            let output = SSDOutput(rows: buffer, anchorCount: anchors.count)!
            for (index, box) in boxes.enumerated() {
                let pixels = output.decodedBox(anchor: index, imageWidth: 640, imageHeight: 480)
                let expected = BoundingBox(x0: box.x0 * 640, y0: box.y0 * 480, x1: box.x1 * 640, y1: box.y1 * 480)
                #expect(maxDifference(pixels, expected) < 2e-4, "anchor \(index): \(pixels) vs \(expected)")
            }
        }
    }

    private func maxDifference(_ a: BoundingBox, _ b: BoundingBox) -> Float {
        max(abs(a.x0 - b.x0), abs(a.y0 - b.y0), abs(a.x1 - b.x1), abs(a.y1 - b.y1))
    }
}
