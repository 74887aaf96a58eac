/// Assigns each anchor of a training image its target (PIPELINE.md §6), as the model zoo's
/// `match_gt_anchors` does, on vectorised IoU rows.
///
/// 1. Greedy bipartite matching: repeatedly the (object, anchor) pair with the highest IoU among
///    unmatched objects and anchors is matched. Ties go to the lowest object index, then the lowest
///    anchor index (NumPy's `argmax`). Unlike the reference, an object whose IoU with every unmatched
///    anchor is 0 (a zero-area box, say) stays unmatched: there the reference's loop re-matches
///    object 0 to anchor 0 and gives the leftover objects anchor 0, which corrupts both targets.
/// 2. Every other anchor whose best IoU (first object on ties) is >= `positiveThreshold` takes that object.
/// 3. Every anchor left whose best IoU is >= `negativeLimit` is neutral, the rest background. With the
///    training generator's values (both 0.5) no anchor can be neutral.
///
/// Build one per architecture and thread; `assign` reuses its workspace and does not allocate
/// once it has seen the largest object count.
public struct AnchorMatcher: Sendable {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case classOutOfRange(classIndex: Int, classCount: Int)

        public var description: String {
            switch self {
            case .classOutOfRange(let classIndex, let classCount):
                return "object class \(classIndex) is outside the detector's \(classCount) classes (0...\(classCount - 1))"
            }
        }
    }

    public let anchors: [BoundingBox]
    /// Object classes, background excluded.
    public let classCount: Int
    public let positiveThreshold: Float
    public let negativeLimit: Float

    private let anchorGeometry: AnchorGeometry
    /// Per anchor: best IoU over all objects, that object, and the object matched in step 1 (-1: none).
    private var bestOverlaps: [Float]
    private var bestObjects: [Int32]
    private var bipartiteObjects: [Int32]
    /// One object's IoU with every anchor.
    private var overlapRow: [Float]
    /// Per object: box, model class, best IoU and anchor among unmatched anchors, matched flag.
    private var objectBoxes: [BoundingBox] = []
    private var objectModelClasses: [Int32] = []
    private var rowBestOverlaps: [Float] = []
    private var rowBestAnchors: [Int] = []
    private var objectMatched: [Bool] = []

    public init(architecture: SSDArchitecture, positiveThreshold: Float = 0.5, negativeLimit: Float = 0.5) {
        self.init(anchors: architecture.anchorBoxes, classCount: architecture.classCount,
                  positiveThreshold: positiveThreshold, negativeLimit: negativeLimit)
    }

    /// `anchors` must have positive areas.
    public init(anchors: [BoundingBox], classCount: Int, positiveThreshold: Float = 0.5, negativeLimit: Float = 0.5) {
        self.anchors = anchors
        self.classCount = classCount
        self.positiveThreshold = positiveThreshold
        self.negativeLimit = negativeLimit
        anchorGeometry = AnchorGeometry(anchors)
        bestOverlaps = [Float](repeating: 0, count: anchors.count)
        bestObjects = [Int32](repeating: 0, count: anchors.count)
        bipartiteObjects = [Int32](repeating: -1, count: anchors.count)
        overlapRow = [Float](repeating: 0, count: anchors.count)
    }

    /// Overwrites `targets` (sized for these anchors) with the targets of an image showing
    /// `objects`: class indices (0-based, background excluded) and normalised corner boxes.
    public mutating func assign(_ objects: some Collection<(classIndex: Int, box: BoundingBox)>,
                                into targets: inout AnchorTargets) throws(Error) {
        precondition(targets.anchorCount == anchors.count, "targets are sized for another anchor set")
        objectBoxes.removeAll(keepingCapacity: true)
        objectModelClasses.removeAll(keepingCapacity: true)
        for object in objects {
            guard object.classIndex >= 0, object.classIndex < classCount else {
                throw .classOutOfRange(classIndex: object.classIndex, classCount: classCount)
            }
            objectBoxes.append(object.box)
            objectModelClasses.append(Int32(object.classIndex + 1))
        }
        measureOverlaps()
        matchBipartite()
        writeTargets(into: &targets)
    }

    /// Fills the per-anchor best overlaps and each object's best anchor.
    private mutating func measureOverlaps() {
        let objectCount = objectBoxes.count
        rowBestOverlaps.removeAll(keepingCapacity: true)
        rowBestAnchors.removeAll(keepingCapacity: true)
        objectMatched.removeAll(keepingCapacity: true)
        objectMatched.append(contentsOf: repeatElement(false, count: objectCount))
        let geometry = anchorGeometry
        let boxes = objectBoxes
        bestOverlaps.withUnsafeMutableBufferPointer { best in
            bestObjects.withUnsafeMutableBufferPointer { bestObject in
                overlapRow.withUnsafeMutableBufferPointer { scratch in
                    best.update(repeating: 0)
                    bestObject.update(repeating: 0)
                    for object in 0..<objectCount {
                        let row = geometry.overlapRow(with: boxes[object], row: scratch.baseAddress!,
                                                      best: best.baseAddress!, bestObject: bestObject.baseAddress!,
                                                      object: Int32(object))
                        rowBestOverlaps.append(row.overlap)
                        rowBestAnchors.append(row.anchor)
                    }
                }
            }
        }
    }

    /// Step 1; objects whose best remaining IoU is 0 stay unmatched. An object whose best anchor was
    /// just taken measures its row again (rare: about once per image with 20 objects).
    private mutating func matchBipartite() {
        let geometry = anchorGeometry
        bipartiteObjects.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
        for _ in 0..<objectBoxes.count {
            var chosen = -1
            var chosenOverlap: Float = 0
            for object in objectBoxes.indices where !objectMatched[object] && rowBestOverlaps[object] > chosenOverlap {
                chosen = object
                chosenOverlap = rowBestOverlaps[object]
            }
            guard chosen >= 0 else { return }
            let anchor = rowBestAnchors[chosen]
            objectMatched[chosen] = true
            bipartiteObjects[anchor] = Int32(chosen)
            for object in objectBoxes.indices where !objectMatched[object] && rowBestAnchors[object] == anchor {
                let box = objectBoxes[object]
                let row = overlapRow.withUnsafeMutableBufferPointer { scratch in
                    bipartiteObjects.withUnsafeBufferPointer { matched in
                        geometry.bestFreeAnchor(for: box, matched: matched.baseAddress!, row: scratch.baseAddress!)
                    }
                }
                rowBestOverlaps[object] = row.overlap
                rowBestAnchors[object] = row.anchor
            }
        }
    }

    /// Steps 2 and 3 plus box encoding.
    private func writeTargets(into targets: inout AnchorTargets) {
        let hasObjects = !objectBoxes.isEmpty
        targets.overwrite { classes, offsets in
            bipartiteObjects.withUnsafeBufferPointer { bipartite in
                bestOverlaps.withUnsafeBufferPointer { best in
                    bestObjects.withUnsafeBufferPointer { bestObject in
                        anchors.withUnsafeBufferPointer { anchorBoxes in
                            var positives = 0
                            for anchor in 0..<anchorBoxes.count {
                                var object = Int(bipartite[anchor])
                                var modelClass: Int32 = 0
                                if object < 0, hasObjects {
                                    if best[anchor] >= positiveThreshold {
                                        object = Int(bestObject[anchor])
                                    } else if best[anchor] >= negativeLimit {
                                        modelClass = AnchorTargets.neutralModelClass
                                    }
                                }
                                var encoded = BoxOffsets.zero
                                if object >= 0 {
                                    positives += 1
                                    modelClass = objectModelClasses[object]
                                    encoded = BoxOffsets(encoding: objectBoxes[object], relativeTo: anchorBoxes[anchor])
                                }
                                classes[anchor] = modelClass
                                offsets[anchor * 4] = encoded.x0
                                offsets[anchor * 4 + 1] = encoded.y0
                                offsets[anchor * 4 + 2] = encoded.x1
                                offsets[anchor * 4 + 3] = encoded.y1
                            }
                            return positives
                        }
                    }
                }
            }
        }
    }
}
