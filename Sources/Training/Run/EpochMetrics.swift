/// What one epoch of training measured: a row of the run's `metrics.csv`.
public struct EpochMetrics: Equatable, Codable, Sendable {
    /// 1-based, as the progress bar shows it.
    public var epoch: Int
    public var trainLoss: Double
    public var validationLoss: Double
    /// Validation mAP (VOC, every point) at the run's IoU threshold, 0...1.
    public var validationAP: Double
    public var learningRate: Double
    /// Training images per second, data loading included.
    public var imagesPerSecond: Double
    public var seconds: Double

    public init(epoch: Int, trainLoss: Double, validationLoss: Double, validationAP: Double, learningRate: Double,
                imagesPerSecond: Double, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.validationAP = validationAP
        self.learningRate = learningRate
        self.imagesPerSecond = imagesPerSecond
        self.seconds = seconds
    }
}
