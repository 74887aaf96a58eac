import Detection
import Foundation
import Testing
@testable import Training

/// Training objects through the matcher into the loss.
@Suite struct LossTargetsTests {
    @Test func trainingObjectsMatchLikeTheirTuplesAndFeedTheLoss() throws {
        let architecture = try SSDArchitecture(inputSize: 192, classCount: 2)
        var matcher = AnchorMatcher(architecture: architecture)
        let objects = [TrainingObject(classIndex: 1, box: BoundingBox(x0: 0.1, y0: 0.2, x1: 0.5, y1: 0.9)),
                       TrainingObject(classIndex: 0, box: BoundingBox(x0: 0.6, y0: 0.6, x1: 0.7, y1: 0.75))]
        var fromObjects = AnchorTargets(anchorCount: architecture.anchorCount)
        var fromTuples = AnchorTargets(anchorCount: architecture.anchorCount)
        try matcher.assign(objects, into: &fromObjects)
        try matcher.assign(objects.map { (classIndex: $0.classIndex, box: $0.box) }, into: &fromTuples)
        #expect(fromObjects == fromTuples)
        #expect(fromObjects.positiveCount >= 2)
        #expect((0..<architecture.anchorCount).contains { fromObjects.label(anchor: $0) == .object(classIndex: 0) })

        // All-zero predictions: every anchor at 1/3 per class; positives also pay for their offsets.
        let logits = [Float](repeating: 0, count: architecture.anchorCount * 3)
        let offsets = [Float](repeating: 0, count: architecture.anchorCount * 4)
        let (value, logitGradients, offsetGradients) = LossValueTests.evaluate(logits, offsets, [fromObjects])
        let perAnchor = pow(2.0 / 3.0, 0.25) * log(3.0)
        #expect(abs(value.classification - perAnchor * Double(architecture.anchorCount) / Double(fromObjects.positiveCount)) < 1e-3)
        #expect(value.localization > 0 && value.positiveCount == fromObjects.positiveCount)
        #expect(logitGradients.allSatisfy(\.isFinite) && offsetGradients.allSatisfy(\.isFinite))
        #expect(throws: AnchorMatcher.Error.classOutOfRange(classIndex: 2, classCount: 2)) {
            try matcher.assign([TrainingObject(classIndex: 2, box: objects[0].box)], into: &fromObjects)
        }
    }
}
