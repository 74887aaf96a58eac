extension RGBImage {
    /// Draws one line of text with `BitmapFont`, its top-left corner at `x`, `y`, each font
    /// pixel a `scale` x `scale` square; clipped to the image.
    public mutating func drawText(_ text: String, x: Int, y: Int, color: RGBColor, scale: Int = 1) {
        guard scale > 0, Self.isNear(x, y) else { return }
        let scale = min(scale, width + height)
        BitmapFont.forEachPixel(of: text) { column, row in
            fill(PixelRect(x: x + column * scale, y: y + row * scale, width: scale, height: scale), color: color)
        }
    }

    /// Text reading upwards (turned 90 degrees counterclockwise), for vertical axis labels;
    /// `x`, `y` is the top-left corner of the turned text.
    public mutating func drawTextUpwards(_ text: String, x: Int, y: Int, color: RGBColor, scale: Int = 1) {
        guard scale > 0, Self.isNear(x, y) else { return }
        let scale = min(scale, width + height)
        let length = BitmapFont.size(of: text, scale: 1).width
        BitmapFont.forEachPixel(of: text) { column, row in
            fill(PixelRect(x: x + row * scale, y: y + (length - 1 - column) * scale, width: scale, height: scale), color: color)
        }
    }

    /// Text on a filled box with `padding` pixels around it, e.g. "person 0.87" above a
    /// detection; `x`, `y` is the box's top-left corner. Returns the box.
    @discardableResult
    public mutating func drawLabel(_ text: String, x: Int, y: Int, textColor: RGBColor, background: RGBColor,
                                   scale: Int = 1, padding: Int = 2) -> PixelRect {
        guard Self.isNear(x, y) else { return PixelRect(x: x, y: y, width: 0, height: 0) }
        let scale = min(max(scale, 1), width + height), padding = min(max(padding, 0), width + height)
        let size = BitmapFont.size(of: text, scale: scale)
        let box = PixelRect(x: x, y: y, width: size.width + 2 * padding, height: size.height + 2 * padding)
        fill(box, color: background)
        drawText(text, x: x + padding, y: y + padding, color: textColor, scale: scale)
        return box
    }

    /// Text placed further out than this cannot reach an image of at most `maximumPixels`
    /// pixels; skipping it keeps the position arithmetic from overflowing.
    private static func isNear(_ x: Int, _ y: Int) -> Bool {
        x.magnitude < 1 << 40 && y.magnitude < 1 << 40
    }
}
