/// The model zoo's `match_gt_anchors` for one image written as literally as NumPy does it (full
/// IoU matrix, matches removed by zeroing rows and columns), with `AnchorMatcher`'s one documented
/// change: the bipartite loop stops once the best remaining IoU is 0. The test oracle for `AnchorMatcher`.
func referenceAnchorTargets(objects: [(classIndex: Int, box: BoundingBox)], anchors: [BoundingBox],
                            positiveThreshold: Float, negativeLimit: Float) -> AnchorTargets {
    var targets = AnchorTargets(anchorCount: anchors.count)
    guard !objects.isEmpty else { return targets }
    func firstMaximum(_ values: [Float]) -> Int {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        return best
    }
    func setObject(_ object: Int, _ anchor: Int) {
        targets.set(anchor: anchor, label: .object(classIndex: objects[object].classIndex),
                    offsets: BoxOffsets(encoding: objects[object].box, relativeTo: anchors[anchor]))
    }

    let similarities = objects.map { object in anchors.map { object.box.intersectionOverUnion(with: $0) } }
    var weights = similarities
    var bipartiteAnchors: [Int] = []
    for _ in objects.indices {
        let anchorIndices = weights.map(firstMaximum)
        let overlaps = weights.indices.map { weights[$0][anchorIndices[$0]] }
        let object = firstMaximum(overlaps)
        guard overlaps[object] > 0 else { break }
        let anchor = anchorIndices[object]
        setObject(object, anchor)
        bipartiteAnchors.append(anchor)
        weights[object] = [Float](repeating: 0, count: anchors.count)
        for row in weights.indices { weights[row][anchor] = 0 }
    }
    for anchor in anchors.indices where !bipartiteAnchors.contains(anchor) {
        let column = similarities.map { $0[anchor] }
        let object = firstMaximum(column)
        if column[object] >= positiveThreshold {
            setObject(object, anchor)
        } else if column[object] >= negativeLimit {
            targets.set(anchor: anchor, label: .neutral)
        }
    }
    return targets
}
