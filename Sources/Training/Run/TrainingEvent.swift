/// What a running `Trainer` reports, for progress bars and logs.
public enum TrainingEvent: Sendable {
    /// Decoding and resizing a split's images into memory.
    case loadingImages(split: String, done: Int, total: Int)
    /// Before the first batch of an epoch (1-based).
    case epochStarted(epoch: Int, epochs: Int, batches: Int)
    /// After each training batch: the epoch's running mean loss and throughput so far (1-based epoch and batch).
    case batch(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, imagesPerSecond: Double)
    case validating(epoch: Int, done: Int, total: Int)
    case epochFinished(EpochMetrics, isBest: Bool)
}

/// How a run ended.
public struct TrainingSummary: Equatable, Codable, Sendable {
    public enum StopReason: String, Equatable, Codable, Sendable {
        case allEpochs, earlyStopping, timeLimit
    }

    public var stopReason: StopReason
    public var epochsTrained: Int
    /// The epoch (1-based) of `best.safetensors`, by validation loss.
    public var bestEpoch: Int
    public var bestValidationLoss: Double
    public var bestValidationAP: Double
    /// Training seconds over all sessions of the run, validation included.
    public var trainingSeconds: Double
    public var bestCheckpoint: String
    public var lastCheckpoint: String
}
