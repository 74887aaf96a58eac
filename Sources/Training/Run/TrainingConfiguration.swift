import Detection

/// Everything a training run needs, as `tinyssd train` assembles it from a model zoo
/// `user_config.yaml` and flags. Saved in the run folder so `--resume` continues the same run.
public struct TrainingConfiguration: Equatable, Codable, Sendable {
    public var architecture: SSDArchitecture
    public var classNames: [String]
    /// YOLO Darknet folders.
    public var trainingPath: String
    public var validationPath: String
    public var epochs: Int
    public var batchSize: Int
    public var optimizer: OptimizerSettings
    public var learningRate: Float
    public var schedule: LearningRateSchedule
    /// Epochs without a better validation loss before stopping (Keras EarlyStopping).
    public var earlyStoppingPatience = 20
    public var weightDecay = WeightDecay.modelZoo
    /// nil trains on the images as they are.
    public var augmentation: AugmentationSettings?
    public var rescaling = PixelRescaling()
    /// Validation AP settings, the model zoo's `post_processing`.
    public var confidenceThreshold: Float = 0.001
    public var nmsThreshold: Float = 0.5
    public var iouThreshold = 0.4
    /// The per-epoch validation AP keeps the best this many detections per class and image: a
    /// monitor that stays fast while an early model scores every anchor; `evaluate` keeps all.
    public var validationDetectionsPerClass = 100
    public var seed: UInt64 = 1
    public var threads = 2
    /// A checkpoint or an int8 `.tflite` of the same architecture to start from.
    public var initialization: String?
    /// A new run's class heads start predicting background with this probability (nil: the zoo's
    /// zero start); ignored with `initialization`.
    public var backgroundPrior: Float? = 0.99
    /// Train only what follows the MobileNet backbone.
    public var freezeBackbone = false
    /// Stop after the epoch that crosses this much training time, if set.
    public var timeLimitSeconds: Double?

    public init(architecture: SSDArchitecture, classNames: [String], trainingPath: String, validationPath: String,
                epochs: Int = 100, batchSize: Int = 64, optimizer: OptimizerSettings = OptimizerSettings(kind: .adam),
                learningRate: Float = 1e-3, schedule: LearningRateSchedule = .reduceOnPlateau) {
        self.architecture = architecture
        self.classNames = classNames
        self.trainingPath = trainingPath
        self.validationPath = validationPath
        self.epochs = epochs
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.schedule = schedule
    }

    /// Why this configuration cannot train, or nil.
    public var problem: String? {
        if classNames.count != architecture.classCount {
            return "\(classNames.count) class names for \(architecture.classCount) classes"
        }
        if epochs < 1 { return "epochs must be at least 1, not \(epochs)" }
        if batchSize < 1 || batchSize > 1024 { return "the batch size must be 1...1024, not \(batchSize)" }
        if !(learningRate > 0) || !learningRate.isFinite { return "the learning rate must be a positive number, not \(learningRate)" }
        if threads < 1 || threads > 64 { return "threads must be 1...64, not \(threads)" }
        if let prior = backgroundPrior, !(prior > 0 && prior < 1) { return "the background prior must lie in (0, 1), not \(prior)" }
        if earlyStoppingPatience < 1 { return "early-stopping patience must be at least 1 epoch" }
        return nil
    }
}
