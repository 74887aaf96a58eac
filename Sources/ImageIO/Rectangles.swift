extension RGBImage {
    /// The whole image as a rectangle, for clipping.
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// Paints every pixel of `rect` that lies inside the image.
    public mutating func fill(_ rect: PixelRect, color: RGBColor) {
        let visible = rect.intersection(bounds)
        for y in visible.y..<visible.y + visible.height {
            for x in visible.x..<visible.x + visible.width {
                self[x, y] = color
            }
        }
    }

    /// An outline `thickness` pixels wide, drawn inside `rect` so a box never covers what is
    /// outside it; clipped to the image.
    public mutating func drawRectangle(_ rect: PixelRect, color: RGBColor, thickness: Int = 1) {
        guard thickness > 0 else { return }
        let thickness = min(thickness, width + height)
        // Sides more than `thickness` outside the image are invisible anyway; cutting them there
        // keeps the arithmetic below small.
        let margin = PixelRect(x: -thickness, y: -thickness, width: width + 2 * thickness, height: height + 2 * thickness)
        let rect = rect.intersection(margin)
        guard rect.width > 0, rect.height > 0 else { return }
        let horizontal = min(thickness, (rect.height + 1) / 2), vertical = min(thickness, (rect.width + 1) / 2)
        fill(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: horizontal), color: color)
        fill(PixelRect(x: rect.x, y: rect.y + rect.height - horizontal, width: rect.width, height: horizontal), color: color)
        fill(PixelRect(x: rect.x, y: rect.y, width: vertical, height: rect.height), color: color)
        fill(PixelRect(x: rect.x + rect.width - vertical, y: rect.y, width: vertical, height: rect.height), color: color)
    }
}
