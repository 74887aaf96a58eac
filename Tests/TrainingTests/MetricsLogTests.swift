import Testing
import Training

@Suite struct MetricsLogTests {
    @Test func roundTripsThroughCSV() throws {
        let rows = [
            EpochMetrics(epoch: 1, trainLoss: 3.25, validationLoss: 2.5, validationAP: 0.125, learningRate: 0.001,
                         imagesPerSecond: 80.5, seconds: 25),
            EpochMetrics(epoch: 2, trainLoss: 1.5, validationLoss: 1.75, validationAP: 0.5, learningRate: 0.0001,
                         imagesPerSecond: 81.25, seconds: 24.75),
        ]
        let text = MetricsLog.csv(rows)
        #expect(text.hasPrefix("epoch,train_loss,val_loss,val_ap,learning_rate,images_per_second,seconds\n1,3.25,2.5,0.125,0.001,80.50,25.00\n"))
        #expect(try MetricsLog.parse(text, path: "m.csv") == rows)
    }

    @Test func namesTheBadLine() {
        let text = MetricsLog.header + "\n1,2,3,0.5,0.001,80,25\n2,oops,3,0.5,0.001,80,25\n"
        #expect(throws: TrainingError.badFile(path: "run/metrics.csv", line: 3,
                                              reason: "expected 7 numbers: \(MetricsLog.header)")) {
            try MetricsLog.parse(text, path: "run/metrics.csv")
        }
    }

    @Test func plotsCoverEveryEpoch() throws {
        let rows = (1...5).map { EpochMetrics(epoch: $0, trainLoss: 10 / Double($0), validationLoss: 12 / Double($0),
                                              validationAP: Double($0) / 6, learningRate: 1e-3, imagesPerSecond: 1, seconds: 1) }
        let loss = TrainingCurves.lossPlot(rows)
        #expect(loss.xRange == 0...5 && loss.yRange.upperBound >= 12 && loss.series.map(\.points.count) == [5, 5])
        #expect(TrainingCurves.averagePrecisionPlot(rows).series[0].points.last?.y == 5.0 / 6)
        _ = try loss.render()
    }
}
