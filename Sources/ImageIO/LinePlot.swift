/// One point of a plotted series.
public struct PlotPoint: Equatable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A named polyline; points that are not finite break the line.
public struct PlotSeries: Equatable, Sendable {
    public var name: String
    public var color: RGBColor
    public var points: [PlotPoint]

    public init(name: String, color: RGBColor, points: [PlotPoint]) {
        self.name = name
        self.color = color
        self.points = points
    }
}

/// A line chart rendered to an image: precision/recall curves (the default ranges are [0, 1]),
/// loss or AP per epoch. Lines are clipped to the ranges.
public struct LinePlot: Equatable, Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var series: [PlotSeries]

    public init(title: String = "", xLabel: String = "", yLabel: String = "", xRange: ClosedRange<Double> = 0...1,
                yRange: ClosedRange<Double> = 0...1, series: [PlotSeries] = []) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.series = series
    }

    /// Throws when the image is too small to hold the labels and a plot area.
    public func render(width: Int = 640, height: Int = 480) throws(ImageIOError) -> RGBImage {
        var image = try RGBImage(width: width, height: height, color: .white)
        let layout = PlotLayout(plot: self, width: width, height: height)
        let area = layout.area
        guard area.width >= 16, area.height >= 16 else {
            throw .invalidImage(reason: "a \(width) x \(height) plot leaves no room inside its labels")
        }
        let x = Self.widened(xRange), y = Self.widened(yRange)
        let toPixel = { (point: PlotPoint) -> (Double, Double) in
            (Double(area.x) + (point.x - x.lowerBound) / (x.upperBound - x.lowerBound) * Double(area.width - 1),
             Double(area.y + area.height - 1) - (point.y - y.lowerBound) / (y.upperBound - y.lowerBound) * Double(area.height - 1))
        }
        layout.drawAxes(on: &image, toPixel: toPixel)
        for line in series {
            for (a, b) in zip(line.points, line.points.dropFirst()) {
                image.drawLine(from: toPixel(a), to: toPixel(b), color: line.color, thickness: 2 * layout.scale, clip: area)
            }
        }
        layout.drawLegend(on: &image)
        return image
    }

    /// A range of zero width gets one unit around it, so points still map somewhere.
    static func widened(_ range: ClosedRange<Double>) -> ClosedRange<Double> {
        range.upperBound > range.lowerBound ? range : (range.lowerBound - 0.5)...(range.upperBound + 0.5)
    }
}
