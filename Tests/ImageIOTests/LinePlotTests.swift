import Testing
import ImageIO

@Suite struct LinePlotTests {
    static func count(_ color: RGBColor, in image: RGBImage, where include: (Int, Int) -> Bool = { _, _ in true }) -> Int {
        var total = 0
        for y in 0..<image.height {
            for x in 0..<image.width where image[x, y] == color && include(x, y) { total += 1 }
        }
        return total
    }

    @Test func precisionRecallPlotHasAxesSeriesAndLegend() throws {
        let diagonal = PlotSeries(name: "192", color: .blue, points: (0...10).map { PlotPoint(x: Double($0) / 10, y: Double($0) / 10) })
        let flat = PlotSeries(name: "256", color: .orange, points: [PlotPoint(x: 0, y: 0.25), PlotPoint(x: 1, y: 0.25)])
        let plot = LinePlot(title: "Precision / recall", xLabel: "recall", yLabel: "precision", series: [diagonal, flat])
        let image = try plot.render(width: 640, height: 480)
        #expect(image.width == 640 && image.height == 480)
        #expect(image[0, 0] == .white && image[639, 479] == .white)
        #expect(Self.count(.black, in: image) > 1000, "axes, ticks and text")
        #expect(Self.count(.lightGrey, in: image) > 1000, "grid")

        // The flat series is a horizontal band; the diagonal rises to the right.
        let orangeRows = Set((0..<480).filter { y in (0..<640).contains { image[$0, y] == .orange } })
        #expect(!orangeRows.isEmpty && orangeRows.count <= 4, "orange rows: \(orangeRows.sorted())")
        let blueBelow = Self.count(.blue, in: image) { x, y in x < 320 && y > 240 }
        let blueAbove = Self.count(.blue, in: image) { x, y in x < 320 && y < 200 }
        #expect(blueBelow > 200 && blueAbove < blueBelow / 4, "blue left-bottom \(blueBelow), left-top \(blueAbove)")
    }

    @Test func wildValuesAreClippedNotDrawnOutside() throws {
        let points = [PlotPoint(x: 0, y: 0), PlotPoint(x: 0.5, y: 1e300), PlotPoint(x: .nan, y: 0), PlotPoint(x: 1, y: -.infinity),
                      PlotPoint(x: 2, y: 0.5)]
        let plot = LinePlot(xRange: 0...1, yRange: 0...1, series: [PlotSeries(name: "", color: .red, points: points)])
        let image = try plot.render(width: 320, height: 240)
        #expect(Self.count(.red, in: image) > 0)
        #expect(image[0, 0] == .white && image[319, 0] == .white && image[0, 239] == .white)
    }

    @Test func lossCurvesGetTheirOwnRange() throws {
        let loss = PlotSeries(name: "train loss", color: .blue, points: (0..<50).map { PlotPoint(x: Double($0), y: 4 / Double($0 + 1)) })
        let image = try LinePlot(title: "Loss", xLabel: "epoch", yLabel: "loss", xRange: 0...49, yRange: 0...4, series: [loss])
            .render(width: 1280, height: 960)
        #expect(Self.count(.blue, in: image) > 500)
    }

    @Test func tooSmallPlotsThrow() {
        #expect(throws: ImageIOError.self) { try LinePlot(title: "AP", xLabel: "x", yLabel: "y").render(width: 40, height: 30) }
    }
}
