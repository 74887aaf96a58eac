/// Anchor corners and areas as separate arrays, so one object's IoU with every anchor is a
/// branch-free loop over contiguous floats that the compiler vectorises.
///
/// IoUs are never negative, so their bit patterns order like the values: the loops take the row
/// maximum as an integer maximum (which vectorises) and then look up its first anchor.
struct AnchorGeometry: Sendable {
    /// x0, y0, x1, y1 and area, each `count` long, one after the other.
    private let columns: [Float]
    let count: Int

    init(_ anchors: [BoundingBox]) {
        count = anchors.count
        columns = anchors.map(\.x0) + anchors.map(\.y0) + anchors.map(\.x1) + anchors.map(\.y1) + anchors.map(\.area)
    }

    /// IoU of `box` with every anchor into `row`: raises `best` (and sets `bestObject` to `object`)
    /// where the IoU is strictly higher, and returns the highest IoU and its first anchor.
    func overlapRow(with box: BoundingBox, row: UnsafeMutablePointer<Float>, best: UnsafeMutablePointer<Float>,
                    bestObject: UnsafeMutablePointer<Int32>, object: Int32) -> (overlap: Float, anchor: Int) {
        var largest: UInt32 = 0
        columns.withUnsafeBufferPointer { column in
            let x0 = column.baseAddress!, y0 = x0 + count, x1 = y0 + count, y1 = x1 + count, areas = y1 + count
            let boxArea = box.area
            for anchor in 0..<count {
                let width = max(min(box.x1, x1[anchor]) - max(box.x0, x0[anchor]), 0)
                let height = max(min(box.y1, y1[anchor]) - max(box.y0, y0[anchor]), 0)
                let intersection = width * height
                let overlap = intersection / (boxArea + areas[anchor] - intersection)
                row[anchor] = overlap
                let higher = overlap > best[anchor]
                best[anchor] = higher ? overlap : best[anchor]
                bestObject[anchor] = higher ? object : bestObject[anchor]
                largest = max(largest, overlap.bitPattern)
            }
        }
        return firstAnchor(of: largest, in: row)
    }

    /// The highest IoU of `box` with an anchor whose `matched` entry is negative, and its first such
    /// anchor; (0, 0) when all of them are 0, as NumPy's `argmax` of a zeroed row. `row` is scratch.
    func bestFreeAnchor(for box: BoundingBox, matched: UnsafePointer<Int32>,
                        row: UnsafeMutablePointer<Float>) -> (overlap: Float, anchor: Int) {
        var largest: UInt32 = 0
        columns.withUnsafeBufferPointer { column in
            let x0 = column.baseAddress!, y0 = x0 + count, x1 = y0 + count, y1 = x1 + count, areas = y1 + count
            let boxArea = box.area
            for anchor in 0..<count {
                let width = max(min(box.x1, x1[anchor]) - max(box.x0, x0[anchor]), 0)
                let height = max(min(box.y1, y1[anchor]) - max(box.y0, y0[anchor]), 0)
                let intersection = width * height
                let overlap = intersection / (boxArea + areas[anchor] - intersection)
                row[anchor] = matched[anchor] < 0 ? overlap : 0
                largest = max(largest, row[anchor].bitPattern)
            }
        }
        return firstAnchor(of: largest, in: row)
    }

    private func firstAnchor(of largest: UInt32, in row: UnsafePointer<Float>) -> (overlap: Float, anchor: Int) {
        guard largest > 0 else { return (0, 0) }
        var anchor = 0
        while row[anchor].bitPattern != largest { anchor += 1 }
        return (row[anchor], anchor)
    }
}
