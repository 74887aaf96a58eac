/// A box as the network predicts it relative to an anchor (PIPELINE.md §5): how far each corner
/// lies from the anchor's same corner, in anchor widths (x) or anchor heights (y).
public struct BoxOffsets: Equatable, Hashable, Codable, Sendable {
    public var x0: Float
    public var y0: Float
    public var x1: Float
    public var y1: Float

    public static let zero = BoxOffsets(x0: 0, y0: 0, x1: 0, y1: 0)

    public init(x0: Float, y0: Float, x1: Float, y1: Float) {
        self.x0 = x0
        self.y0 = y0
        self.x1 = x1
        self.y1 = y1
    }

    /// The training target for `box` matched to `anchor`, both in the same (normalised) coordinates.
    public init(encoding box: BoundingBox, relativeTo anchor: BoundingBox) {
        let width = anchor.width
        let height = anchor.height
        x0 = (box.x0 - anchor.x0) / width
        y0 = (box.y0 - anchor.y0) / height
        x1 = (box.x1 - anchor.x1) / width
        y1 = (box.y1 - anchor.y1) / height
    }

    /// The box these offsets describe around `anchor`, in the anchor's coordinates: the inverse of
    /// `init(encoding:relativeTo:)`, computed as `SSDOutput.decodedBox` does before scaling to pixels.
    public func decoded(relativeTo anchor: BoundingBox) -> BoundingBox {
        let width = anchor.width
        let height = anchor.height
        return BoundingBox(x0: x0 * width + anchor.x0, y0: y0 * height + anchor.y0,
                           x1: x1 * width + anchor.x1, y1: y1 * height + anchor.y1)
    }
}
