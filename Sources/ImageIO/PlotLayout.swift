/// Where a `LinePlot`'s title, labels, ticks and legend go, and their drawing.
struct PlotLayout {
    let plot: LinePlot
    let width: Int
    let height: Int
    /// Font scale: 1 up to 640 x 480, larger for bigger images.
    let scale: Int
    let xTicks: PlotTicks
    let yTicks: PlotTicks
    let area: PixelRect

    init(plot: LinePlot, width: Int, height: Int) {
        self.plot = plot
        self.width = width
        self.height = height
        let scale = max(1, min(width / 640, height / 480))
        self.scale = scale
        let pad = 8 * scale, text = BitmapFont.glyphHeight * scale, tick = 4 * scale
        // Fewer ticks when their labels would not fit side by side (long numbers, small plots).
        xTicks = Self.ticks(for: plot.xRange, fitting: width - 4 * pad) { BitmapFont.size(of: $0, scale: scale).width + pad }
        yTicks = Self.ticks(for: plot.yRange, fitting: height - 6 * pad - 4 * text) { _ in 2 * text }
        let yTickWidth = yTicks.labels.map { BitmapFont.size(of: $0, scale: scale).width }.max() ?? 0
        let lastXTickWidth = xTicks.labels.last.map { BitmapFont.size(of: $0, scale: scale).width } ?? 0
        let left = pad + (plot.yLabel.isEmpty ? 0 : text + pad) + yTickWidth + tick + pad / 2
        let top = pad + (plot.title.isEmpty ? 0 : 2 * text + pad)
        let bottom = pad + (plot.xLabel.isEmpty ? 0 : text + pad) + text + tick + pad / 2
        let right = pad + lastXTickWidth / 2
        area = PixelRect(x: left, y: top, width: width - left - right, height: height - top - bottom)
    }

    private static func ticks(for range: ClosedRange<Double>, fitting length: Int, size: (String) -> Int) -> PlotTicks {
        let widened = LinePlot.widened(range)
        for count in [11, 6, 3] {
            let ticks = PlotTicks(range: widened, maximumCount: count)
            if ticks.labels.map(size).reduce(0, +) <= length { return ticks }
        }
        return PlotTicks(range: widened, maximumCount: 2)
    }

    func drawAxes(on image: inout RGBImage, toPixel: (PlotPoint) -> (Double, Double)) {
        let tick = 4 * scale, gap = 4 * scale, text = BitmapFont.glyphHeight * scale
        let bottomEdge = area.y + area.height - 1
        for (value, label) in zip(xTicks.values, xTicks.labels) {
            let x = Int(toPixel(PlotPoint(x: value, y: 0)).0.rounded())
            image.drawLine(x0: x, y0: area.y, x1: x, y1: bottomEdge, color: .lightGrey)
            image.drawLine(x0: x, y0: bottomEdge, x1: x, y1: bottomEdge + tick, color: .black, thickness: scale)
            let labelWidth = BitmapFont.size(of: label, scale: scale).width
            image.drawText(label, x: x - labelWidth / 2, y: bottomEdge + tick + gap, color: .black, scale: scale)
        }
        for (value, label) in zip(yTicks.values, yTicks.labels) {
            let y = Int(toPixel(PlotPoint(x: 0, y: value)).1.rounded())
            image.drawLine(x0: area.x, y0: y, x1: area.x + area.width - 1, y1: y, color: .lightGrey)
            image.drawLine(x0: area.x - tick, y0: y, x1: area.x, y1: y, color: .black, thickness: scale)
            let labelWidth = BitmapFont.size(of: label, scale: scale).width
            image.drawText(label, x: area.x - tick - gap / 2 - labelWidth, y: y - text / 2, color: .black, scale: scale)
        }
        image.drawRectangle(area, color: .black, thickness: scale)

        let pad = 8 * scale
        let title = BitmapFont.size(of: plot.title, scale: 2 * scale)
        image.drawText(plot.title, x: (width - title.width) / 2, y: pad, color: .black, scale: 2 * scale)
        let xLabel = BitmapFont.size(of: plot.xLabel, scale: scale)
        image.drawText(plot.xLabel, x: area.x + (area.width - xLabel.width) / 2, y: height - pad - text, color: .black, scale: scale)
        let yLabel = BitmapFont.size(of: plot.yLabel, scale: scale)
        image.drawTextUpwards(plot.yLabel, x: pad, y: area.y + (area.height - yLabel.width) / 2, color: .black, scale: scale)
    }

    /// Names with a short line of their colour, in a box in the top-right corner of the plot area.
    func drawLegend(on image: inout RGBImage) {
        let named = plot.series.filter { !$0.name.isEmpty }
        guard !named.isEmpty else { return }
        let gap = 6 * scale, sample = 16 * scale, text = BitmapFont.glyphHeight * scale
        let nameWidth = named.map { BitmapFont.size(of: $0.name, scale: scale).width }.max() ?? 0
        let box = PixelRect(x: area.x + area.width - 1 - gap - (sample + nameWidth + 3 * gap), y: area.y + 1 + gap,
                            width: sample + nameWidth + 3 * gap, height: named.count * (text + gap) + gap)
        image.fill(box, color: .white)
        image.drawRectangle(box, color: .grey, thickness: scale)
        for (index, line) in named.enumerated() {
            let y = box.y + gap + index * (text + gap)
            image.drawLine(x0: box.x + gap, y0: y + text / 2, x1: box.x + gap + sample, y1: y + text / 2,
                           color: line.color, thickness: 2 * scale)
            image.drawText(line.name, x: box.x + 2 * gap + sample, y: y, color: .black, scale: scale)
        }
    }
}
