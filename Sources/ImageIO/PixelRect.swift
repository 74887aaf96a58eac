/// A rectangle of whole pixels: `x`, `y` is its top-left pixel.
public struct PixelRect: Equatable, Hashable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The pixels both rectangles cover (empty when they do not meet).
    public func intersection(_ other: PixelRect) -> PixelRect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(right, other.right), y1 = min(bottom, other.bottom)
        return PixelRect(x: x0, y: y0, width: x1 > x0 ? x1 - x0 : 0, height: y1 > y0 ? y1 - y0 : 0)
    }

    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && py >= y && px < right && py < bottom
    }

    // Boxes can come from model outputs far outside the image, so the ends saturate instead of trapping.
    private var right: Int { Self.saturatingSum(x, width) }
    private var bottom: Int { Self.saturatingSum(y, height) }

    private static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int.max : Int.min) : sum
    }
}
