/// Anchor corners and areas as separate arrays, so one object's IoU with every anchor is a
/// straight loop over contiguous floats.
struct AnchorGeometry: Sendable {
    let x0: [Float]
    let y0: [Float]
    let x1: [Float]
    let y1: [Float]
    let areas: [Float]

    init(_ anchors: [BoundingBox]) {
        x0 = anchors.map(\.x0)
        y0 = anchors.map(\.y0)
        x1 = anchors.map(\.x1)
        y1 = anchors.map(\.y1)
        areas = anchors.map(\.area)
    }

    var count: Int { x0.count }

    /// IoU of `box` with every anchor: raises `best` (and sets `bestObject` to `object`) where the
    /// IoU is strictly higher, and returns the highest IoU and its first anchor.
    func overlapRow(with box: BoundingBox, best: UnsafeMutableBufferPointer<Float>,
                    bestObject: UnsafeMutableBufferPointer<Int32>, object: Int32) -> (overlap: Float, anchor: Int) {
        var rowBest: Float = 0
        var rowAnchor = 0
        let boxArea = box.area
        for anchor in 0..<count {
            let overlap = intersectionOverUnion(box, boxArea, anchor)
            if overlap > best[anchor] {
                best[anchor] = overlap
                bestObject[anchor] = object
            }
            if overlap > rowBest {
                rowBest = overlap
                rowAnchor = anchor
            }
        }
        return (rowBest, rowAnchor)
    }

    /// The highest IoU of `box` with an anchor whose `matched` entry is negative, and its first such anchor
    /// (anchor 0 when every IoU is 0, as NumPy's `argmax` of a zeroed row).
    func bestFreeAnchor(for box: BoundingBox, matched: UnsafeBufferPointer<Int32>) -> (overlap: Float, anchor: Int) {
        var rowBest: Float = 0
        var rowAnchor = 0
        let boxArea = box.area
        for anchor in 0..<count where matched[anchor] < 0 {
            let overlap = intersectionOverUnion(box, boxArea, anchor)
            if overlap > rowBest {
                rowBest = overlap
                rowAnchor = anchor
            }
        }
        return (rowBest, rowAnchor)
    }

    /// `BoundingBox.intersectionOverUnion` with the anchor's arrays.
    @inline(__always)
    private func intersectionOverUnion(_ box: BoundingBox, _ boxArea: Float, _ anchor: Int) -> Float {
        let width = min(box.x1, x1[anchor]) - max(box.x0, x0[anchor])
        let height = min(box.y1, y1[anchor]) - max(box.y0, y0[anchor])
        guard width > 0, height > 0 else { return 0 }
        let intersection = width * height
        return intersection / (boxArea + areas[anchor] - intersection)
    }
}
