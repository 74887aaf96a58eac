import ArgumentParser
import Detection
import Foundation
import Training

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an SSD-MobileNet-v1 detector on YOLO Darknet folders, as the model zoo does.",
        discussion: """
            Settings come from a model zoo user_config.yaml (--config: dataset paths and class_names, \
            train_parameters, pre_processing.rescaling, post_processing, data_augmentation, \
            model.model_type.alpha and model.input_shape), and flags override them. Without a config, \
            give at least --data, --val and --classes.

            The run folder (--out) receives configuration.json, metrics.csv (per epoch: train loss, val \
            loss, val AP, learning rate, img/s, seconds), loss.png, ap.png and checkpoints/best.safetensors \
            (lowest validation loss) and checkpoints/last.safetensors (after every epoch, with the \
            optimizer state). A killed run continues with --resume RUN_DIR from its last epoch. \
            Checkpoints work as --model in detect and evaluate.

            Examples:
              tinyssd dataset synth --out shapes --train 2000 --val 300
              tinyssd train --config shapes/user_config.yaml --epochs 40 --batch 16 --out runs/shapes
              tinyssd train --resume runs/shapes
              tinyssd train --config person/user_config.yaml --init ssd_mobilenet_v1_025_192_int8.tflite --freeze-backbone
            """)

    @Option(help: ArgumentHelp("A model zoo user_config.yaml; relative paths are taken from its folder.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("The training folder (default: dataset.training_path).", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp("The validation folder (default: dataset.validation_path).", valueName: "dir"))
    var val: String?

    @Option(help: "MobileNet width multiplier: 0.25, 0.5, 0.75 or 1.0 (default: model.model_type.alpha, else 0.25).")
    var alpha: Double?

    @Option(help: "Input side: 192, 224 or 256 (default: model.input_shape, else 192).")
    var inputSize: Int?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Class names, background excluded (default: dataset.class_names).",
                                                         valueName: "name"))
    var classes: [String] = []

    @Option(help: "Most epochs (default: train_parameters.training_epochs, else 100).")
    var epochs: Int?

    @Option(help: "Images per batch (default: train_parameters.batch_size, else 64).")
    var batch: Int?

    @Option(help: "Initial learning rate (default: train_parameters.initial_learning, else 0.001).")
    var lr: Float?

    @Option(help: "adam, sgd or rmsprop (default: train_parameters.optimizer, else adam).")
    var optimizer: String?

    @Option(help: "constant, reducelronplateau, exponential or cosine (default: train_parameters.learning_rate_scheduler, else reducelronplateau).")
    var schedule: String?

    @Option(help: "Epochs without a lower validation loss before stopping.")
    var patience = 20

    @Option(help: ArgumentHelp("The run folder (default: runs/<project>-<date>-<time>).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp("Continue the run in this folder from its last checkpoint (other settings come from it).",
                               valueName: "dir"))
    var resume: String?

    @Option(name: .customLong("init"), help: ArgumentHelp(
        "Start from a checkpoint (.safetensors) or an int8 .tflite of the same architecture.", valueName: "file"))
    var initialization: String?

    @Option(help: "A new run's class heads start at this background probability; 0 starts them at zero as the zoo does.")
    var backgroundPrior: Float = 0.99

    @Flag(help: "Train only what follows the MobileNet backbone.")
    var freezeBackbone = false

    @Flag(help: "Train on the images as they are, without data augmentation.")
    var noAugment = false

    @Option(help: "Stop after the epoch that passes this many minutes of training.")
    var timeLimit: Double?

    @Option(help: "Threads for the network (the data loader runs beside them).")
    var threads = 2

    @Option(help: "Seed of the initial weights, shuffles and augmentation.")
    var seed: UInt64 = 1

    @Flag(help: "Print the run's summary as JSON on standard output.")
    var json = false

    func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
        if let timeLimit, !(timeLimit > 0) { throw ValidationError("--time-limit must be a positive number of minutes") }
        if resume != nil {
            let given: [(String, Bool)] = [
                ("--config", config != nil), ("--data", data != nil), ("--val", val != nil), ("--alpha", alpha != nil),
                ("--input-size", inputSize != nil), ("--classes", !classes.isEmpty), ("--epochs", epochs != nil),
                ("--batch", batch != nil), ("--lr", lr != nil), ("--optimizer", optimizer != nil), ("--schedule", schedule != nil),
                ("--out", out != nil), ("--init", initialization != nil), ("--freeze-backbone", freezeBackbone),
                ("--no-augment", noAugment), ("--time-limit", timeLimit != nil),
            ]
            let clashing = given.filter(\.1).map(\.0)
            guard clashing.isEmpty else {
                throw ValidationError("--resume continues the run with the settings it started with; leave out \(clashing.joined(separator: ", "))")
            }
        }
    }

    func run() throws {
        let reporter = TrainingReporter()
        let trainer: Trainer
        if let resume {
            trainer = try Trainer(resuming: RunDirectory(path: resume), events: reporter.report)
            reporter.note("resuming \(resume) after epoch \(trainer.epochsDone)")
        } else {
            let zoo = try config.map(ModelZooConfiguration.load)
            let settings = try makeConfiguration(zoo)
            let folder = out ?? defaultRunFolder(zoo)
            trainer = try Trainer(configuration: settings, run: RunDirectory(path: folder), events: reporter.report)
            reporter.note("run folder \(folder): \(settings.architecture.summary), \(trainer.network.parameterTable.parameterCount) parameters")
        }
        let summary = try trainer.train(events: reporter.report)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(String(format: "stopped (%@) after %d epochs, %.0f s; best epoch %d: val loss %.4f, val AP %.4f",
                         summary.stopReason.rawValue, summary.epochsTrained, summary.trainingSeconds, summary.bestEpoch,
                         summary.bestValidationLoss, summary.bestValidationAP))
            print("best checkpoint: \(summary.bestCheckpoint)")
        }
    }

    /// The flags over the configuration file over the model zoo's defaults.
    func makeConfiguration(_ zoo: ModelZooConfiguration?) throws -> TrainingConfiguration {
        let names = !classes.isEmpty ? flagClassNames(classes) : zoo?.dataset?.class_names ?? []
        guard !names.isEmpty else { throw ValidationError("give the class names with --classes, or dataset.class_names in --config") }
        guard let trainingPath = data ?? zoo?.resolve(zoo?.dataset?.training_path) else {
            throw ValidationError("give the training folder with --data, or dataset.training_path in --config")
        }
        guard let validationPath = val ?? zoo?.resolve(zoo?.dataset?.validation_path) else {
            throw ValidationError("give the validation folder with --val, or dataset.validation_path in --config")
        }
        let architecture: SSDArchitecture
        do {
            architecture = try SSDArchitecture(alpha: alpha ?? zoo?.model?.model_type?.alpha ?? 0.25,
                                               inputSize: inputSize ?? zoo?.model?.input_shape?.first ?? 192, classCount: names.count)
        } catch {
            throw ValidationError(error.description)
        }
        let parameters = zoo?.train_parameters
        let optimizerName = (optimizer ?? parameters?.optimizer ?? "adam").lowercased()
        guard let kind = OptimizerSettings.Kind(rawValue: optimizerName) else {
            throw ValidationError("optimizer '\(optimizerName)' is not one of adam, sgd, rmsprop")
        }
        let scheduleName = schedule ?? parameters?.learning_rate_scheduler ?? "reducelronplateau"
        guard let learningRateSchedule = Self.schedule(named: scheduleName) else {
            throw ValidationError("schedule '\(scheduleName)' is not one of constant, reducelronplateau, exponential, cosine")
        }
        var settings = TrainingConfiguration(
            architecture: architecture, classNames: names, trainingPath: trainingPath, validationPath: validationPath,
            epochs: epochs ?? parameters?.training_epochs ?? 100, batchSize: batch ?? parameters?.batch_size ?? 64,
            optimizer: OptimizerSettings(kind: kind), learningRate: lr ?? parameters?.initial_learning.map(Float.init) ?? 1e-3,
            schedule: learningRateSchedule)
        settings.earlyStoppingPatience = patience
        settings.augmentation = noAugment ? nil : Self.augmentation(zoo?.data_augmentation)
        if let rescaling = zoo?.pre_processing?.rescaling {
            settings.rescaling = PixelRescaling(scale: Float(rescaling.scale), offset: Float(rescaling.offset))
        }
        if let post = zoo?.post_processing {
            settings.confidenceThreshold = post.confidence_thresh.map(Float.init) ?? settings.confidenceThreshold
            settings.nmsThreshold = post.NMS_thresh.map(Float.init) ?? settings.nmsThreshold
            settings.iouThreshold = post.IoU_eval_thresh ?? settings.iouThreshold
        }
        settings.seed = seed
        settings.threads = threads
        settings.initialization = initialization
        settings.freezeBackbone = freezeBackbone
        settings.backgroundPrior = backgroundPrior == 0 ? nil : backgroundPrior
        settings.timeLimitSeconds = timeLimit.map { $0 * 60 }
        if let problem = settings.problem { throw ValidationError(problem) }
        return settings
    }

    static func schedule(named name: String) -> LearningRateSchedule? {
        switch name.lowercased().replacingOccurrences(of: "_", with: "") {
        case "constant", "none": return .constant
        case "reducelronplateau", "plateau": return .reduceOnPlateau
        case "exponential", "exponentialdecay": return .exponential
        case "cosine", "cosinedecay": return .cosine
        default: return nil
        }
    }

    /// The zoo's `data_augmentation` section; nil when it says `augment: False`.
    static func augmentation(_ section: ModelZooConfiguration.DataAugmentation?) -> AugmentationSettings? {
        guard let section else { return AugmentationSettings() }
        if section.augment == false { return nil }
        var settings = AugmentationSettings()
        if let value = section.rotation { settings.rotation = Float(value) }
        if let value = section.shearing { settings.shearing = Float(value) }
        if let value = section.translation { settings.translation = Float(value) }
        if let value = section.vertical_flip { settings.verticalFlip = Float(value) }
        if let value = section.horizantal_flip { settings.horizontalFlip = Float(value) }
        if let value = section.gaussian_blur { settings.gaussianBlur = Float(value) }
        if let range = section.linear_contrast, range.count == 2 { settings.linearContrast = Float(range[0])...Float(range[1]) }
        return settings
    }

    private func defaultRunFolder(_ zoo: ModelZooConfiguration?) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "runs/\(zoo?.general?.project_name ?? "train")-\(formatter.string(from: Date()))"
    }
}
