/// Keras's EarlyStopping on validation loss: stop after `patience` epochs without a new best,
/// and say which epoch's weights to restore.
public struct EarlyStopping: Equatable, Codable, Sendable {
    public let patience: Int
    public private(set) var bestLoss: Double?
    public private(set) var bestEpoch: Int?
    public private(set) var epochsWithoutImprovement = 0

    public init(patience: Int = 20) {
        self.patience = patience
    }

    /// Records the epoch's validation loss; true when this epoch is the new best.
    @discardableResult
    public mutating func record(epoch: Int, validationLoss: Double) -> Bool {
        if let best = bestLoss, !(validationLoss < best) {
            epochsWithoutImprovement += 1
            return false
        }
        bestLoss = validationLoss
        bestEpoch = epoch
        epochsWithoutImprovement = 0
        return true
    }

    public var shouldStop: Bool { epochsWithoutImprovement >= patience }
}
