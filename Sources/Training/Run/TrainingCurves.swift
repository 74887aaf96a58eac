import ImageIO

/// The plots a run folder keeps up to date: train and validation loss, and validation AP, per epoch.
public enum TrainingCurves {
    public static func lossPlot(_ rows: [EpochMetrics]) -> LinePlot {
        let losses = rows.flatMap { [$0.trainLoss, $0.validationLoss] }.filter(\.isFinite)
        let top = max(losses.max() ?? 1, 1e-6) * 1.05
        return LinePlot(title: "Loss", xLabel: "epoch", yLabel: "loss", xRange: epochRange(rows), yRange: 0...top, series: [
            PlotSeries(name: "train", color: .blue, points: rows.map { PlotPoint(x: Double($0.epoch), y: $0.trainLoss) }),
            PlotSeries(name: "validation", color: .red, points: rows.map { PlotPoint(x: Double($0.epoch), y: $0.validationLoss) }),
        ])
    }

    public static func averagePrecisionPlot(_ rows: [EpochMetrics]) -> LinePlot {
        LinePlot(title: "Validation AP", xLabel: "epoch", yLabel: "AP", xRange: epochRange(rows), yRange: 0...1, series: [
            PlotSeries(name: "mAP", color: .green, points: rows.map { PlotPoint(x: Double($0.epoch), y: $0.validationAP) }),
        ])
    }

    private static func epochRange(_ rows: [EpochMetrics]) -> ClosedRange<Double> {
        let last = Double(rows.map(\.epoch).max() ?? 1)
        return 0...max(last, 1)
    }
}
