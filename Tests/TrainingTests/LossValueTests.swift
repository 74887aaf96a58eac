import Detection
import Foundation
import Testing
@testable import Training

/// The SSD loss on tiny hand-computed cases.
@Suite struct LossValueTests {
    static func targets(_ entries: [(AnchorTargets.Label, BoxOffsets)]) -> AnchorTargets {
        var targets = AnchorTargets(anchorCount: entries.count)
        for (anchor, entry) in entries.enumerated() { targets.set(anchor: anchor, label: entry.0, offsets: entry.1) }
        return targets
    }

    /// Runs the loss with gradients and returns the value and both gradient buffers.
    static func evaluate(_ logits: [Float], _ offsets: [Float], _ targets: [AnchorTargets],
                         images: Range<Int>? = nil, loss: SSDLoss = SSDLoss()) -> (value: SSDLossValue, logitGradients: [Float], offsetGradients: [Float]) {
        var logitGradients = [Float](repeating: .nan, count: logits.count)
        var offsetGradients = [Float](repeating: .nan, count: offsets.count)
        let value = logits.withUnsafeBufferPointer { logitBuffer in
            offsets.withUnsafeBufferPointer { offsetBuffer in
                logitGradients.withUnsafeMutableBufferPointer { logitGradientBuffer in
                    offsetGradients.withUnsafeMutableBufferPointer { offsetGradientBuffer in
                        loss.evaluate(classLogits: logitBuffer, boxOffsets: offsetBuffer, targets: targets,
                                           classLogitGradients: logitGradientBuffer, boxOffsetGradients: offsetGradientBuffer,
                                           images: images)
                    }
                }
            }
        }
        return (value, logitGradients, offsetGradients)
    }

    static let log3 = Float(log(3.0))

    @Test func backgroundAnchorAtEvenOdds() {
        // p0 = 0.5: 0.5^0.25 * ln 2, and no positives, so the divisor is 1.
        let result = Self.evaluate([0, 0], [0.3, 0.1, -0.2, 9], [Self.targets([(.background, .zero)])])
        #expect(abs(result.value.classification - 0.5828649794) < 1e-6)
        #expect(result.value.localization == 0 && result.value.positiveCount == 0)
        #expect(result.offsetGradients == [0, 0, 0, 0])
    }

    @Test func positiveAnchorAddsSmoothL1OnBothSidesOfTheLimit() {
        // p1 = 3/4: 0.25^0.25 * -ln 0.75 = 0.2034219443. Differences 1, -2, 5, 0 (limit 1/0.5^2 = 4):
        // 0.125 * 1 + 0.125 * 4 + (5 - 2) + 0 = 3.625. One positive.
        let targets = Self.targets([(.object(classIndex: 0), BoxOffsets(x0: 1, y0: -2, x1: 5, y1: 0))])
        let result = Self.evaluate([0, Self.log3], [0, 0, 0, 0], [targets])
        #expect(abs(result.value.classification - 0.2034219443) < 1e-6)
        #expect(abs(result.value.localization - 3.625) < 1e-6)
        #expect(abs(result.value.total - 3.8284219443) < 1e-6)
        #expect(result.value.positiveCount == 1)
        // d loss / d prediction: -0.25 d inside the limit, -sign(d) outside.
        #expect(result.offsetGradients == [-0.25, 0.5, -1, 0])
    }

    @Test func neutralAnchorsAddNothing() {
        let result = Self.evaluate([5, -3], [1, 2, 3, 4], [Self.targets([(.neutral, .zero)])])
        #expect(result.value.total == 0)
        #expect(result.logitGradients == [0, 0] && result.offsetGradients == [0, 0, 0, 0])
    }

    @Test func batchSumIsDividedByTheBatchPositives() {
        // Image 0: the positive above (3.8284219443) and a background at even odds (0.5828649794);
        // image 1: a positive at p = 3/4 with exact offsets (0.2034219443) and a neutral. Two positives.
        let image0 = Self.targets([(.object(classIndex: 0), BoxOffsets(x0: 1, y0: -2, x1: 5, y1: 0)), (.background, .zero)])
        let image1 = Self.targets([(.object(classIndex: 0), BoxOffsets(x0: 0.5, y0: 0.5, x1: 0.5, y1: 0.5)), (.neutral, .zero)])
        let logits: [Float] = [0, Self.log3, 0, 0, 0, Self.log3, 4, 4]
        let offsets: [Float] = [0, 0, 0, 0, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1]
        let result = Self.evaluate(logits, offsets, [image0, image1])
        #expect(abs(result.value.total - 4.6147088680 / 2) < 1e-6)
        #expect(result.value.positiveCount == 2)
        // Halves of the one-positive gradients.
        #expect(result.offsetGradients[0..<4] == [-0.125, 0.25, -0.5, 0])

        // Threads can take one image each: values add up, gradients are the same.
        let first = Self.evaluate(logits, offsets, [image0, image1], images: 0..<1)
        let second = Self.evaluate(logits, offsets, [image0, image1], images: 1..<2)
        #expect(abs((first.value + second.value).total - result.value.total) < 1e-9)
        #expect((first.value + second.value).positiveCount == 2)
        #expect(Array(first.logitGradients[0..<4]) + second.logitGradients[4..<8] == result.logitGradients)
        #expect(Array(first.offsetGradients[0..<8]) + second.offsetGradients[8..<16] == result.offsetGradients)
    }

    @Test func clippedScoresCostTheClippedValueAndHaveNoGradient() {
        // p1 = e^-30 / (1 + e^-30) is below ε = 1e-7 (float 1.00000001e-7): (1 - ε)^0.25 * -ln ε.
        let low = Self.evaluate([30, 0], [0, 0, 0, 0], [Self.targets([(.object(classIndex: 0), .zero)])])
        #expect(abs(low.value.classification - 16.1180952363) < 1e-5)
        #expect(low.logitGradients == [0, 0])
        // p0 rounds to 1 in float, above 1 - ε (float 0.99999988): (1.19e-7)^0.25 * -ln(0.99999988) ≈ 2.2e-9.
        let high = Self.evaluate([30, 0], [0, 0, 0, 0], [Self.targets([(.background, .zero)])])
        #expect(abs(high.value.classification - 2.2151e-9) < 1e-12)
        #expect(high.logitGradients == [0, 0])
    }

    @Test func valueWithoutGradientsIsTheSame() {
        let targets = [Self.targets([(.object(classIndex: 1), BoxOffsets(x0: 0.1, y0: 6, x1: -3, y1: 0)), (.background, .zero),
                                     (.neutral, .zero)])]
        let logits: [Float] = [0.3, -1, 2, 1, 1, -4, 0, 0, 0]
        let offsets: [Float] = [1, 2, 3, 4, 0, 0, 0, 0, 1, 1, 1, 1]
        let withGradients = Self.evaluate(logits, offsets, targets).value
        let alone = logits.withUnsafeBufferPointer { l in
            offsets.withUnsafeBufferPointer { o in SSDLoss().evaluate(classLogits: l, boxOffsets: o, targets: targets) }
        }
        #expect(alone == withGradients)
    }

    @Test func softmaxScoresForEvaluation() {
        var scores = [Float](repeating: 0, count: 6)
        let rows: [Float] = [0, Self.log3, 1000, 0, -1000, -1000]
        rows.withUnsafeBufferPointer { input in
            scores.withUnsafeMutableBufferPointer { ClassSoftmax.scores(classLogits: input, modelClassCount: 2, into: $0) }
        }
        #expect(abs(scores[0] - 0.25) < 1e-7 && abs(scores[1] - 0.75) < 1e-7)
        #expect(scores[2] == 1 && scores[3] == 0)
        #expect(scores[4] == 0.5 && scores[5] == 0.5)
        // In place, three classes.
        var inPlace: [Float] = [0, log(2), log(5)]
        inPlace.withUnsafeMutableBufferPointer { buffer in
            ClassSoftmax.scores(classLogits: UnsafeBufferPointer(buffer), modelClassCount: 3, into: buffer)
        }
        #expect(abs(inPlace[0] - 0.125) < 1e-7 && abs(inPlace[1] - 0.25) < 1e-7 && abs(inPlace[2] - 0.625) < 1e-7)
    }
}
