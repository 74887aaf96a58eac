extension RGBImage {
    /// A straight line between two pixel centres (Bresenham), `thickness` pixels wide across its
    /// main direction, drawn only where it falls inside `clip` (the whole image by default).
    public mutating func drawLine(x0: Int, y0: Int, x1: Int, y1: Int, color: RGBColor, thickness: Int = 1,
                                  clip: PixelRect? = nil) {
        drawLine(from: (Double(x0), Double(y0)), to: (Double(x1), Double(y1)), color: color, thickness: thickness, clip: clip)
    }

    /// The same for fractional pixel positions (plots): the segment is first cut to the clip
    /// area in floating point, so far-away or infinite ends cannot overflow.
    mutating func drawLine(from start: (Double, Double), to end: (Double, Double), color: RGBColor, thickness: Int,
                           clip: PixelRect?) {
        let area = (clip ?? bounds).intersection(bounds)
        let thickness = min(thickness, width + height)
        guard thickness > 0, area.width > 0, area.height > 0,
              let (a, b) = Self.cut(start, end, to: area, margin: Double(thickness)) else { return }
        var x = Int(a.0.rounded()), y = Int(a.1.rounded())
        let x1 = Int(b.0.rounded()), y1 = Int(b.1.rounded())
        let dx = abs(x1 - x), dy = -abs(y1 - y)
        let stepX = x < x1 ? 1 : -1, stepY = y < y1 ? 1 : -1
        var error = dx + dy
        // A span across the main direction at each step: thickness costs t, not t * t, per pixel.
        let offset = (thickness - 1) / 2, mostlyHorizontal = dx >= -dy
        while true {
            let span = mostlyHorizontal ? PixelRect(x: x, y: y - offset, width: 1, height: thickness)
                : PixelRect(x: x - offset, y: y, width: thickness, height: 1)
            fill(span.intersection(area), color: color)
            if x == x1 && y == y1 { return }
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                x += stepX
            }
            if doubled <= dx {
                error += dx
                y += stepY
            }
        }
    }

    /// Liang-Barsky: the part of the segment inside `area` grown by `margin`, or nil.
    private static func cut(_ a: (Double, Double), _ b: (Double, Double), to area: PixelRect, margin: Double)
        -> ((Double, Double), (Double, Double))? {
        guard a.0.isFinite, a.1.isFinite, b.0.isFinite, b.1.isFinite else { return nil }
        let left = Double(area.x) - margin, right = Double(area.x + area.width - 1) + margin
        let top = Double(area.y) - margin, bottom = Double(area.y + area.height - 1) + margin
        let dx = b.0 - a.0, dy = b.1 - a.1
        var enter = 0.0, leave = 1.0
        for (p, q) in [(-dx, a.0 - left), (dx, right - a.0), (-dy, a.1 - top), (dy, bottom - a.1)] {
            if p == 0 {
                if q < 0 { return nil }
                continue
            }
            let t = q / p
            if p < 0 { enter = max(enter, t) } else { leave = min(leave, t) }
            if enter > leave { return nil }
        }
        let start = (a.0 + enter * dx, a.1 + enter * dy), end = (a.0 + leave * dx, a.1 + leave * dy)
        // Huge inputs can make dx or dy infinite; only finite points inside the area are drawn.
        let inside = { (point: (Double, Double)) in
            point.0 >= left - 1 && point.0 <= right + 1 && point.1 >= top - 1 && point.1 <= bottom + 1
        }
        return inside(start) && inside(end) ? (start, end) : nil
    }
}
