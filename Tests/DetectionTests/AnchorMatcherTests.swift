@testable import Detection
import TestSupport
import Testing

@Suite struct AnchorMatcherTests {
    typealias Object = (classIndex: Int, box: BoundingBox)

    static let quadrants = [box(0, 0, 0.5, 0.5), box(0.5, 0, 1, 0.5), box(0, 0.5, 0.5, 1), box(0.5, 0.5, 1, 1)]

    static func box(_ x0: Float, _ y0: Float, _ x1: Float, _ y1: Float) -> BoundingBox {
        BoundingBox(x0: x0, y0: y0, x1: x1, y1: y1)
    }

    func assign(_ objects: [Object], anchors: [BoundingBox], classCount: Int = 3,
                negativeLimit: Float = 0.5) throws -> AnchorTargets {
        var matcher = AnchorMatcher(anchors: anchors, classCount: classCount, negativeLimit: negativeLimit)
        var targets = AnchorTargets(anchorCount: anchors.count)
        try matcher.assign(objects, into: &targets)
        return targets
    }

    func labels(_ targets: AnchorTargets) -> [AnchorTargets.Label] {
        (0..<targets.anchorCount).map { targets.label(anchor: $0) }
    }

    @Test func imageWithoutObjectsIsAllBackground() throws {
        let targets = try assign([], anchors: Self.quadrants)
        #expect(labels(targets) == Array(repeating: .background, count: 4))
        #expect(targets.positiveCount == 0)
        #expect(targets.boxOffsets.allSatisfy { $0 == 0 })
    }

    @Test func bipartiteStepMatchesTheBestAnchorEvenBelowTheThreshold() throws {
        // IoU of (0,0)-(0.25,0.25) with anchor 4 (0,0)-(0.5,0.4) is 0.0625 / 0.2 = 0.3125, with anchor 0 0.25.
        let anchors = Self.quadrants + [Self.box(0, 0, 0.5, 0.4)]
        let targets = try assign([(2, Self.box(0, 0, 0.25, 0.25))], anchors: anchors)
        #expect(labels(targets) == [.background, .background, .background, .background, .object(classIndex: 2)])
        #expect(targets.modelClasses[4] == 3)
        #expect(targets.positiveCount == 1)
        let offsets = targets.offsets(anchor: 4)
        // (0 - 0) / 0.5, (0 - 0) / 0.4, (0.25 - 0.5) / 0.5, (0.25 - 0.4) / 0.4
        #expect(offsets.x0 == 0 && offsets.y0 == 0 && abs(offsets.x1 + 0.5) < 1e-6 && abs(offsets.y1 + 0.375) < 1e-6)
    }

    @Test func anchorsAtOrAboveThePositiveThresholdTakeTheirBestObject() throws {
        // The object is anchor 0 exactly; anchor 4 has IoU 0.2 / 0.25 = 0.8, anchor 5 0.0625 / 0.4375.
        let anchors = Self.quadrants + [Self.box(0, 0, 0.5, 0.4), Self.box(0.25, 0.25, 0.75, 0.75)]
        let targets = try assign([(0, Self.box(0, 0, 0.5, 0.5))], anchors: anchors)
        #expect(labels(targets) == [.object(classIndex: 0), .background, .background, .background,
                                    .object(classIndex: 0), .background])
        #expect(targets.offsets(anchor: 0) == .zero)
        #expect(abs(targets.offsets(anchor: 4).y1 - 0.25) < 1e-6)
        #expect(targets.positiveCount == 2)
    }

    @Test func greedyMatchingServesTheHighestOverlapFirst() throws {
        // Both objects prefer anchor 0; object 1 overlaps it more (0.95 against 0.7), so object 0
        // falls back to anchor 1 (IoU 0.35 / 0.85 = 0.41, below the threshold).
        let anchors = [Self.box(0, 0, 1, 1), Self.box(0, 0, 0.5, 1)]
        let targets = try assign([(1, Self.box(0, 0, 1, 0.7)), (0, Self.box(0, 0, 1, 0.95))], anchors: anchors)
        #expect(labels(targets) == [.object(classIndex: 0), .object(classIndex: 1)])
    }

    @Test func tiesGoToTheFirstObjectThenTheFirstAnchor() throws {
        // Two identical anchors and two identical objects: object 0 takes anchor 0, object 1 anchor 1.
        let anchors = [Self.box(0, 0, 0.5, 0.5), Self.box(0, 0, 0.5, 0.5), Self.box(0.5, 0.5, 1, 1)]
        let box = Self.box(0, 0, 0.5, 0.5)
        let targets = try assign([(2, box), (1, box)], anchors: anchors)
        #expect(labels(targets) == [.object(classIndex: 2), .object(classIndex: 1), .background])
    }

    @Test func thresholdStepPrefersTheHigherOverlapAndTheFirstObjectOnTies() throws {
        // Anchor 0 overlaps object P with 0.8 and Q with 0.9 (each has its own exact anchor for step 1).
        let p = Self.box(0, 0, 0.5, 0.4), q = Self.box(0, 0, 0.45, 0.5)
        let higher = try assign([(0, p), (1, q)], anchors: [Self.box(0, 0, 0.5, 0.5), p, q])
        #expect(labels(higher) == [.object(classIndex: 1), .object(classIndex: 0), .object(classIndex: 1)])
        // Q' = (0,0)-(0.4,0.5) also overlaps anchor 0 with 0.8: the first object wins.
        let tied = Self.box(0, 0, 0.4, 0.5)
        let first = try assign([(1, tied), (0, p)], anchors: [Self.box(0, 0, 0.5, 0.5), p, tied])
        #expect(first.label(anchor: 0) == .object(classIndex: 1))
    }

    @Test func unmatchedAnchorsAtOrAboveTheNegativeLimitAreNeutral() throws {
        // IoUs with the object: 1 (step 1), 0.15 / 0.25 = 0.6 (step 2), 0.15 / 0.4 = 0.375, 0.
        let anchors = [Self.box(0, 0, 0.5, 0.3), Self.box(0, 0, 0.5, 0.5), Self.box(0, 0, 0.5, 0.8), Self.box(0.5, 0.5, 1, 1)]
        let objects: [Object] = [(0, Self.box(0, 0, 0.5, 0.3))]
        let loose = try assign(objects, anchors: anchors, negativeLimit: 0.3)
        #expect(labels(loose) == [.object(classIndex: 0), .object(classIndex: 0), .neutral, .background])
        #expect(loose.modelClasses[2] == AnchorTargets.neutralModelClass)
        #expect(loose.offsets(anchor: 2) == .zero)
        // The training generator's limit equals the positive threshold, which leaves no neutral anchor.
        let generator = try assign(objects, anchors: anchors)
        #expect(labels(generator) == [.object(classIndex: 0), .object(classIndex: 0), .background, .background])
    }

    @Test func objectsOverlappingNoAnchorStayUnmatched() throws {
        // A zero-area box and a box outside every anchor: the reference would hand anchor 0 to them
        // (and re-match object 0 there); here only the real object is matched.
        let objects: [Object] = [(1, Self.box(0.2, 0.2, 0.2, 0.6)), (2, Self.box(1.5, 1.5, 2, 2)), (0, Self.box(0.5, 0.5, 1, 1))]
        let targets = try assign(objects, anchors: Self.quadrants)
        #expect(labels(targets) == [.background, .background, .background, .object(classIndex: 0)])
        #expect(targets.positiveCount == 1)
    }

    @Test func rejectsClassesOutsideTheDetector() throws {
        #expect(throws: AnchorMatcher.Error.classOutOfRange(classIndex: 3, classCount: 3)) {
            try assign([(3, Self.box(0, 0, 0.5, 0.5))], anchors: Self.quadrants)
        }
        #expect(throws: AnchorMatcher.Error.classOutOfRange(classIndex: -1, classCount: 3)) {
            try assign([(-1, Self.box(0, 0, 0.5, 0.5))], anchors: Self.quadrants)
        }
    }

    /// The fast matcher against the literal NumPy-style reference on the 192 model's anchors, with
    /// random boxes plus boxes equal to anchors (exact ties), duplicates and degenerate boxes,
    /// reusing one matcher and one targets value across images.
    @Test(arguments: [Float(0.5), 0.3])
    func agreesWithTheReferenceMatching(negativeLimit: Float) throws {
        let anchors = try SSDArchitecture(inputSize: 192, classCount: 3).anchorBoxes
        var matcher = AnchorMatcher(anchors: anchors, classCount: 3, negativeLimit: negativeLimit)
        var targets = AnchorTargets(anchorCount: anchors.count)
        var random = DeterministicRandom(seed: 11)
        for image in 0..<12 {
            var objects: [Object] = []
            for _ in 0..<random.integer(in: 0...7) {
                let classIndex = random.below(3)
                switch random.below(5) {
                case 0: objects.append((classIndex, random.element(of: anchors)))
                case 1 where !objects.isEmpty: objects.append((classIndex, random.element(of: objects).box))
                case 2: let x = random.unitFloat(); objects.append((classIndex, Self.box(x, 0.1, x, 0.5)))
                default:
                    let x = random.unitFloat() * 0.9, y = random.unitFloat() * 0.9
                    let side = 0.02 + random.unitFloat() * 0.8
                    objects.append((classIndex, Self.box(x, y, min(x + side, 1), min(y + side * (0.5 + random.unitFloat()), 1))))
                }
            }
            try matcher.assign(objects, into: &targets)
            let expected = referenceAnchorTargets(objects: objects, anchors: anchors,
                                                  positiveThreshold: 0.5, negativeLimit: negativeLimit)
            let differing = (0..<anchors.count).first {
                targets.label(anchor: $0) != expected.label(anchor: $0) || targets.offsets(anchor: $0) != expected.offsets(anchor: $0)
            }
            #expect(differing == nil && targets.positiveCount == expected.positiveCount,
                    "image \(image): anchor \(differing ?? -1) differs, objects \(objects)")
        }
    }
}
