import Foundation

/// The model zoo's learning-rate schedules (PIPELINE.md §8), evaluated once per epoch.
public enum LearningRateSchedule: String, Equatable, Codable, Sendable, CaseIterable {
    /// The initial rate throughout.
    case constant
    /// Divides the rate by 10 after 10 epochs without a validation-loss improvement, down to 1e-6.
    case reduceOnPlateau = "reducelronplateau"
    /// The initial rate for 10 epochs, then multiplied by exp(-0.001) every epoch.
    case exponential
    /// The initial rate for 10 epochs, then a 1000-epoch cosine decay to 1e-5 of it.
    case cosine

    /// Epochs at the initial rate before the exponential and cosine decays start.
    static let warmEpochs = 10
}

/// A schedule's running state: the current rate and, for the plateau rule, its patience counter.
/// Codable so a resumed run continues where it stopped.
public struct LearningRateScheduler: Equatable, Codable, Sendable {
    public let schedule: LearningRateSchedule
    public let initialRate: Float
    public private(set) var rate: Float
    /// Plateau rule: the best validation loss so far and the epochs since it.
    public private(set) var bestLoss: Double?
    public private(set) var epochsWithoutImprovement = 0

    public static let plateauFactor: Float = 0.1
    public static let plateauPatience = 10
    public static let plateauMinimumRate: Float = 1e-6
    /// Keras's ReduceLROnPlateau counts an improvement only below `best - 1e-4`.
    public static let plateauMinimumDelta = 1e-4
    public static let exponentialDecayPerEpoch = 0.001
    public static let cosineEpochs = 1000
    public static let cosineFloor = 1e-5

    public init(schedule: LearningRateSchedule, initialRate: Float) {
        self.schedule = schedule
        self.initialRate = initialRate
        self.rate = initialRate
    }

    /// The rate for `epoch` (0-based) of the time-based schedules; the plateau and constant rules keep `rate`.
    public mutating func beginEpoch(_ epoch: Int) {
        let decayed = epoch - LearningRateSchedule.warmEpochs + 1
        switch schedule {
        case .constant, .reduceOnPlateau:
            return
        case .exponential:
            rate = decayed <= 0 ? initialRate : Float(Double(initialRate) * exp(-Self.exponentialDecayPerEpoch * Double(decayed)))
        case .cosine:
            guard decayed > 0 else { rate = initialRate; return }
            let progress = Double(min(decayed, Self.cosineEpochs)) / Double(Self.cosineEpochs)
            let cosine = 0.5 * (1 + cos(Double.pi * progress))
            rate = Float(Double(initialRate) * (Self.cosineFloor + (1 - Self.cosineFloor) * cosine))
        }
    }

    /// Feeds the epoch's validation loss to the plateau rule.
    public mutating func endEpoch(validationLoss: Double) {
        guard schedule == .reduceOnPlateau else { return }
        if let best = bestLoss, !(validationLoss < best - Self.plateauMinimumDelta) {
            epochsWithoutImprovement += 1
            if epochsWithoutImprovement >= Self.plateauPatience {
                if rate > Self.plateauMinimumRate {
                    rate = max(rate * Self.plateauFactor, Self.plateauMinimumRate)
                }
                epochsWithoutImprovement = 0
            }
        } else {
            bestLoss = validationLoss
            epochsWithoutImprovement = 0
        }
    }
}
