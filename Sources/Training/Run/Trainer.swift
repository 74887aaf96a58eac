import Detection
import Evaluation
import Foundation
import ImageIO

/// Trains the model zoo's SSD-MobileNet-v1 on YOLO folders and keeps a run folder up to date:
/// each epoch trains on augmented batches, validates (loss and VOC mAP), steps the schedule,
/// writes `last` (and, on a new best validation loss, `best`) checkpoints, metrics and plots.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let run: RunDirectory
    public let network: SSDNetwork
    private var optimizer: Optimizer
    private var scheduler: LearningRateScheduler
    private var earlyStopping: EarlyStopping
    private var metrics: [EpochMetrics]
    private var trainingSeconds: Double
    private let trainingData: TrainingDataLoader
    private let validationData: TrainingDataLoader
    private var step: TrainingStep

    /// Starts a new run in `run`, which must not hold one yet.
    public convenience init(configuration: TrainingConfiguration, run: RunDirectory,
                            events: (TrainingEvent) -> Void = { _ in }) throws(TrainingError) {
        if let problem = configuration.problem { throw .invalidSetting(problem) }
        try run.create()
        try self.init(configuration: configuration, run: run, resume: nil, metrics: [], events: events)
        if let initialization = configuration.initialization {
            try NetworkInitialization.load(initialization, into: network)
        } else if let prior = configuration.backgroundPrior {
            BackgroundPrior.apply(prior, to: network)
        }
        try run.write(Self.json(configuration), to: run.configuration)
    }

    /// Continues the run in `run` from its last checkpoint, with the configuration it started with.
    public convenience init(resuming run: RunDirectory, events: (TrainingEvent) -> Void = { _ in }) throws(TrainingError) {
        let checkpoint = try Checkpoint(contentsOf: run.lastCheckpoint)
        guard let resume = checkpoint.resume else {
            throw .incompatibleCheckpoint(path: run.lastCheckpoint, reason: "it holds no training state to resume from")
        }
        let recorded = FileManager.default.fileExists(atPath: run.metrics)
            ? try MetricsLog.parse(run.read(run.metrics), path: run.metrics) : []
        // Epochs logged after the checkpoint was written are trained again.
        let metrics = Array(recorded.prefix { $0.epoch <= checkpoint.epoch })
        guard metrics.count == checkpoint.epoch else {
            throw .badFile(path: run.metrics, line: metrics.count + 2,
                           reason: "the log has \(metrics.count) epochs before the checkpoint's \(checkpoint.epoch)")
        }
        try self.init(configuration: resume.configuration, run: run, resume: resume, metrics: metrics, events: events)
        try checkpoint.load(into: network, path: run.lastCheckpoint)
        let slots = try checkpoint.optimizerSlots(names: optimizer.slots.keys, table: network.parameterTable, path: run.lastCheckpoint)
        guard let restored = Optimizer(settings: resume.configuration.optimizer, step: resume.optimizerStep, slots: slots,
                                       parameterCount: network.parameterTable.trainableCount) else {
            throw .incompatibleCheckpoint(path: run.lastCheckpoint, reason: "its optimizer state does not fit the network")
        }
        optimizer = restored
    }

    private init(configuration: TrainingConfiguration, run: RunDirectory, resume: ResumeState?, metrics: [EpochMetrics],
                 events: (TrainingEvent) -> Void) throws(TrainingError) {
        self.configuration = configuration
        self.run = run
        let side = configuration.architecture.inputSize
        do {
            var options = TrainingDataLoaderOptions(inputWidth: side, inputHeight: side, batchSize: configuration.batchSize,
                                                    rescaling: configuration.rescaling, augmentation: configuration.augmentation,
                                                    seed: configuration.seed)
            options.dropLastPartialBatch = true
            let total = Self.imageCount(configuration.trainingPath)
            var done = 0
            events(.loadingImages(split: "train", done: 0, total: total))
            trainingData = try TrainingDataLoader(directory: configuration.trainingPath, classCount: configuration.architecture.classCount,
                                                  options: options) { count in
                done += count
                events(.loadingImages(split: "train", done: done, total: total))
            }
            let validationTotal = Self.imageCount(configuration.validationPath)
            done = 0
            events(.loadingImages(split: "validation", done: 0, total: validationTotal))
            validationData = try TrainingDataLoader(
                directory: configuration.validationPath, classCount: configuration.architecture.classCount,
                options: .validation(inputWidth: side, inputHeight: side, batchSize: configuration.batchSize,
                                     rescaling: configuration.rescaling)) { count in
                done += count
                events(.loadingImages(split: "validation", done: done, total: validationTotal))
            }
        } catch {
            throw .data(error)
        }
        guard trainingData.batchesPerEpoch > 0 else {
            throw .invalidSetting("\(configuration.trainingPath) has \(trainingData.imageCount) images, fewer than one batch of \(configuration.batchSize)")
        }
        network = SSDNetwork(architecture: configuration.architecture, maxBatch: configuration.batchSize,
                             threads: configuration.threads, seed: configuration.seed)
        optimizer = Optimizer(settings: configuration.optimizer, parameterCount: network.parameterTable.trainableCount)
        scheduler = resume?.scheduler ?? LearningRateScheduler(schedule: configuration.schedule, initialRate: configuration.learningRate)
        earlyStopping = resume?.earlyStopping ?? EarlyStopping(patience: configuration.earlyStoppingPatience)
        trainingSeconds = resume?.trainingSeconds ?? 0
        self.metrics = metrics
        step = TrainingStep(network: network, configuration: configuration)
    }

    /// Epochs finished so far (including earlier sessions of a resumed run).
    public var epochsDone: Int { metrics.count }
    public var history: [EpochMetrics] { metrics }

    /// Trains until the configured epochs, early stopping or the time limit.
    public func train(events: (TrainingEvent) -> Void = { _ in }) throws(TrainingError) -> TrainingSummary {
        var reason = TrainingSummary.StopReason.allEpochs
        while metrics.count < configuration.epochs {
            if earlyStopping.shouldStop { reason = .earlyStopping; break }
            if let limit = configuration.timeLimitSeconds, trainingSeconds >= limit { reason = .timeLimit; break }
            try trainEpoch(metrics.count, events: events)
        }
        if earlyStopping.shouldStop { reason = .earlyStopping }
        let best = metrics.first { $0.epoch == earlyStopping.bestEpoch }
        return TrainingSummary(stopReason: reason, epochsTrained: metrics.count, bestEpoch: best?.epoch ?? 0,
                               bestValidationLoss: best?.validationLoss ?? .nan, bestValidationAP: best?.validationAP ?? .nan,
                               trainingSeconds: trainingSeconds, bestCheckpoint: run.bestCheckpoint, lastCheckpoint: run.lastCheckpoint)
    }

    private func trainEpoch(_ epoch: Int, events: (TrainingEvent) -> Void) throws(TrainingError) {
        scheduler.beginEpoch(epoch)
        let rate = scheduler.rate
        let started = ContinuousClock.now
        let batches = trainingData.makeEpoch(index: epoch)
        events(.epochStarted(epoch: epoch + 1, epochs: configuration.epochs, batches: batches.batchCount))
        var lossSum = 0.0, batchCount = 0, images = 0
        while let batch = try next(batches) {
            let loss = try step.train(batch, optimizer: &optimizer, learningRate: rate)
            guard loss.isFinite else {
                throw .invalidSetting("training diverged in epoch \(epoch + 1), batch \(batchCount + 1): the loss is \(loss); try a lower learning rate")
            }
            lossSum += loss
            batchCount += 1
            images += batch.imageCount
            events(.batch(epoch: epoch + 1, epochs: configuration.epochs, batch: batchCount, batches: batches.batchCount,
                          loss: lossSum / Double(batchCount), imagesPerSecond: Double(images) / Self.seconds(since: started)))
        }
        let trainingTime = Self.seconds(since: started)
        let (validationLoss, validationAP) = try validate(epoch: epoch, events: events)
        let seconds = Self.seconds(since: started)
        trainingSeconds += seconds
        let row = EpochMetrics(epoch: epoch + 1, trainLoss: lossSum / Double(max(batchCount, 1)), validationLoss: validationLoss,
                               validationAP: validationAP, learningRate: Double(rate),
                               imagesPerSecond: Double(images) / trainingTime, seconds: seconds)
        let isBest = earlyStopping.record(epoch: epoch + 1, validationLoss: validationLoss)
        scheduler.endEpoch(validationLoss: validationLoss)
        let classNames = configuration.classNames, rescaling = configuration.rescaling
        if isBest {
            try Checkpoint(network: network, classNames: classNames, rescaling: rescaling, epoch: epoch + 1).write(to: run.bestCheckpoint)
        }
        let resume = ResumeState(configuration: configuration, optimizerStep: optimizer.step, scheduler: scheduler,
                                 earlyStopping: earlyStopping, trainingSeconds: trainingSeconds)
        try Checkpoint(network: network, classNames: classNames, rescaling: rescaling, epoch: epoch + 1, resume: resume,
                       optimizer: optimizer).write(to: run.lastCheckpoint)
        metrics.append(row)
        try run.write(MetricsLog.csv(metrics), to: run.metrics)
        try writePlots()
        events(.epochFinished(row, isBest: isBest))
    }

    private func validate(epoch: Int, events: (TrainingEvent) -> Void) throws(TrainingError) -> (loss: Double, averagePrecision: Double) {
        let batches = validationData.makeEpoch(index: 0)
        var results: [ImageResult] = []
        var lossSum = 0.0, images = 0
        events(.validating(epoch: epoch + 1, done: 0, total: validationData.imageCount))
        while let batch = try next(batches) {
            let evaluated = try step.validate(batch)
            lossSum += evaluated.loss * Double(batch.imageCount)
            images += batch.imageCount
            results += evaluated.results
            events(.validating(epoch: epoch + 1, done: images, total: validationData.imageCount))
        }
        let report = evaluate(results, classNames: configuration.classNames, iouThreshold: configuration.iouThreshold)
        return (lossSum / Double(max(images, 1)), report.meanAveragePrecision)
    }

    private func next(_ epoch: TrainingEpoch) throws(TrainingError) -> TrainingBatch? {
        do { return try epoch.nextBatch() } catch { throw .data(error) }
    }

    private func writePlots() throws(TrainingError) {
        for (plot, path) in [(TrainingCurves.lossPlot(metrics), run.lossPlot),
                             (TrainingCurves.averagePrecisionPlot(metrics), run.averagePrecisionPlot)] {
            do { try writeImage(plot.render(), to: path) } catch { throw .unreadable(path: path, reason: error.description) }
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    private static func imageCount(_ directory: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { YOLODataset.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.count
    }

    static func json(_ configuration: TrainingConfiguration) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // A configuration holds only finite numbers and strings, which always encode.
        return (try? String(decoding: encoder.encode(configuration), as: UTF8.self)) ?? "{}"
    }
}
