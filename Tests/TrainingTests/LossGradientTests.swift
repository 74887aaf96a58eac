import Detection
import TestSupport
import Testing
@testable import Training

/// `SSDLoss`'s gradients against central differences of the Double reference loss.
@Suite struct LossGradientTests {
    /// Two images of ten anchors and three model classes covering background, positive and neutral
    /// anchors, clipped scores at both ends, and box differences inside and outside |d| < 4.
    static func batch() -> (logits: [Float], offsets: [Float], targets: [AnchorTargets]) {
        var random = DeterministicRandom(seed: 3)
        let labels: [AnchorTargets.Label] = [.background, .object(classIndex: 0), .object(classIndex: 1), .neutral, .background,
                                             .object(classIndex: 1), .object(classIndex: 0), .background, .neutral, .object(classIndex: 0)]
        let differences: [Float] = [0.5, -2, 3.9, -4.1, 5, -7, 1.5, -0.25, 6, -3.5]
        var logits: [Float] = []
        var offsets: [Float] = []
        var targets: [AnchorTargets] = []
        for image in 0..<2 {
            var imageTargets = AnchorTargets(anchorCount: labels.count)
            for (anchor, label) in labels.enumerated() {
                var row = (0..<3).map { _ in random.unitFloat() * 6 - 3 }
                let target: Int
                switch label {
                case .background: target = 0
                case .neutral: target = -1
                case .object(let classIndex): target = classIndex + 1
                }
                // Image 1, anchors 1 and 4: the target score clipped low; anchors 2 and 7: clipped high.
                if image == 1, target >= 0, anchor == 1 || anchor == 4 { row[target] -= 25 }
                if image == 1, target >= 0, anchor == 2 || anchor == 7 { row[target] += 25 }
                logits += row
                let predicted = (0..<4).map { _ in random.unitFloat() - 0.5 }
                offsets += predicted
                let shift = differences[(anchor + image * 3) % differences.count]
                let encoded = (0..<4).map { predicted[$0] + shift * ($0 % 2 == 0 ? 1 : -0.5) }
                imageTargets.set(anchor: anchor, label: label,
                                 offsets: BoxOffsets(x0: encoded[0], y0: encoded[1], x1: encoded[2], y1: encoded[3]))
            }
            targets.append(imageTargets)
        }
        return (logits, offsets, targets)
    }

    /// The model zoo's γ = 0.25 (square roots) and the classic focal γ = 2 (`pow`).
    static let losses = [SSDLoss(), SSDLoss(focalGamma: 2)]

    @Test(arguments: losses)
    func valueMatchesTheDoubleReference(loss: SSDLoss) {
        let (logits, offsets, targets) = Self.batch()
        let value = LossValueTests.evaluate(logits, offsets, targets, loss: loss).value
        let reference = referenceSSDLoss(loss, classLogits: logits.map(Double.init), boxOffsets: offsets.map(Double.init),
                                         targets: targets)
        #expect(value.positiveCount == 10)
        #expect(abs(value.total - reference) <= 1e-6 * abs(reference), "\(value.total) vs \(reference)")
    }

    @Test(arguments: losses)
    func logitGradientsMatchCentralDifferences(loss: SSDLoss) {
        let (logits, offsets, targets) = Self.batch()
        let analytic = LossValueTests.evaluate(logits, offsets, targets, loss: loss).logitGradients
        let base = logits.map(Double.init)
        let step = 1e-4
        var clippedOrNeutral = 0
        for index in logits.indices {
            var plus = base, minus = base
            plus[index] += step
            minus[index] -= step
            let numeric = (referenceSSDLoss(loss, classLogits: plus, boxOffsets: offsets.map(Double.init), targets: targets)
                - referenceSSDLoss(loss, classLogits: minus, boxOffsets: offsets.map(Double.init), targets: targets)) / (2 * step)
            if numeric == 0 { clippedOrNeutral += 1 }
            #expect(abs(Double(analytic[index]) - numeric) <= 1e-6 + 1e-4 * abs(numeric),
                    "logit \(index): \(analytic[index]) vs \(numeric)")
        }
        // Neutral anchors (4) and clipped ones (4) of three logits each have exactly zero slope.
        #expect(clippedOrNeutral == 24)
    }

    @Test func offsetGradientsMatchCentralDifferences() {
        let (logits, offsets, targets) = Self.batch()
        let analytic = LossValueTests.evaluate(logits, offsets, targets).offsetGradients
        let base = offsets.map(Double.init)
        let step = 1e-3
        for index in offsets.indices {
            var plus = base, minus = base
            plus[index] += step
            minus[index] -= step
            let numeric = (referenceSSDLoss(SSDLoss(), classLogits: logits.map(Double.init), boxOffsets: plus, targets: targets)
                - referenceSSDLoss(SSDLoss(), classLogits: logits.map(Double.init), boxOffsets: minus, targets: targets)) / (2 * step)
            #expect(abs(Double(analytic[index]) - numeric) <= 1e-6 + 1e-4 * abs(numeric),
                    "offset \(index): \(analytic[index]) vs \(numeric)")
        }
    }
}
