/// The raw output of an SSD model: one row per anchor holding the class scores (background
/// first), four box offsets and the anchor's corners, all normalised to the model input.
public struct SSDOutput {
    public let rows: UnsafeBufferPointer<Float>
    public let anchorCount: Int
    /// Model classes including background.
    public let classCount: Int

    public var columns: Int { classCount + 8 }

    /// Wraps a `[1, anchors, classes + 8]` float32 output; nil when the sizes do not fit.
    public init?(rows: UnsafeBufferPointer<Float>, anchorCount: Int) {
        guard anchorCount > 0, rows.count % anchorCount == 0, rows.count / anchorCount > 9 else { return nil }
        self.rows = rows
        self.anchorCount = anchorCount
        self.classCount = rows.count / anchorCount - 8
    }

    /// The score of model class `modelClass` (0 is background) for anchor `anchor`.
    public func score(anchor: Int, modelClass: Int) -> Float {
        rows[anchor * columns + modelClass]
    }

    /// The anchor's box after applying the predicted offsets, scaled to an image of the given size.
    ///
    /// Each corner is `(offset * anchorSide + anchorCorner) * imageSide`, in float32 and in this
    /// order, as the model zoo's `decode_predictions` computes it with NumPy.
    public func decodedBox(anchor: Int, imageWidth: Int, imageHeight: Int) -> BoundingBox {
        let row = anchor * columns + classCount
        let offsets = (rows[row], rows[row + 1], rows[row + 2], rows[row + 3])
        let anchorBox = (rows[row + 4], rows[row + 5], rows[row + 6], rows[row + 7])
        let anchorWidth = anchorBox.2 - anchorBox.0
        let anchorHeight = anchorBox.3 - anchorBox.1
        func corner(_ offset: Float, _ side: Float, _ anchorCorner: Float, _ imageSide: Int) -> Float {
            let scaled = offset * side
            let shifted = scaled + anchorCorner
            return shifted * Float(imageSide)
        }
        return BoundingBox(x0: corner(offsets.0, anchorWidth, anchorBox.0, imageWidth),
                           y0: corner(offsets.1, anchorHeight, anchorBox.1, imageHeight),
                           x1: corner(offsets.2, anchorWidth, anchorBox.2, imageWidth),
                           y1: corner(offsets.3, anchorHeight, anchorBox.3, imageHeight))
    }
}
