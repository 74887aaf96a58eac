import ArgumentParser
import Foundation
import Testing
import TestSupport
import Training
@testable import tinyssd

/// `tinyssd train`: the model zoo's configs become training settings, and a run killed mid-way
/// continues with `--resume` from its last finished epoch.
@Suite struct TrainCommandTests {
    @Test(arguments: Fixtures.modelSizes)
    func modelZooConfigsAreAccepted(size: Int) throws {
        let path = Fixtures.directory.appendingPathComponent("st-models/ssd_mobilenet_v1_025_\(size)_config.yaml").path
        guard try Fixtures.bytes(URL(fileURLWithPath: path)) != nil else { return }
        let command = try Train.parse(["--config", path])
        let settings = try command.makeConfiguration(try ModelZooConfiguration.load(path))
        #expect(settings.architecture.inputSize == size && settings.architecture.alpha == 0.25)
        #expect(settings.classNames == ["person"] && settings.batchSize == 64 && settings.epochs == 10000)
        #expect(settings.optimizer.kind == .adam && settings.learningRate == 0.001 && settings.schedule == .reduceOnPlateau)
        #expect(settings.augmentation?.rotation == 30 && settings.augmentation?.horizontalFlip == 0.2)
        #expect(settings.augmentation?.linearContrast == 0.75...1.5)
        // Relative dataset paths are taken from the config's folder.
        #expect(settings.trainingPath.hasPrefix(Fixtures.directory.appendingPathComponent("st-models").path + "/"))
        #expect(settings.confidenceThreshold == 0.001 && settings.iouThreshold == 0.4)
    }

    @Test func flagsOverrideTheConfig() throws {
        let path = Fixtures.directory.appendingPathComponent("st-models/ssd_mobilenet_v1_025_224_config.yaml").path
        guard try Fixtures.bytes(URL(fileURLWithPath: path)) != nil else { return }
        let command = try Train.parse(["--config", path, "--input-size", "256", "--alpha", "0.5", "--classes", "a,b", "--batch", "8",
                                       "--optimizer", "sgd", "--schedule", "cosine", "--lr", "0.01", "--no-augment"])
        let settings = try command.makeConfiguration(try ModelZooConfiguration.load(path))
        #expect(settings.architecture.inputSize == 256 && settings.architecture.alpha == 0.5 && settings.classNames == ["a", "b"])
        #expect(settings.batchSize == 8 && settings.optimizer.kind == .sgd && settings.schedule == .cosine)
        #expect(settings.learningRate == 0.01 && settings.augmentation == nil)
        for bad in [["--optimizer", "adagrad"], ["--schedule", "step"], ["--alpha", "0.3"], ["--input-size", "0"]] {
            let command = try Train.parse(["--config", path] + bad)
            #expect(throws: ValidationError.self) { try command.makeConfiguration(try ModelZooConfiguration.load(path)) }
        }
    }

    @Test func resumeRefusesSettingsOfItsOwn() throws {
        #expect(throws: (any Error).self) { try Train.parse(["--resume", "runs/a", "--epochs", "5"]) }
        #expect(throws: (any Error).self) { try Train.parse(["--resume", "runs/a", "--config", "user_config.yaml"]) }
        _ = try Train.parse(["--resume", "runs/a", "--threads", "1", "--json"])
    }

    /// The tinyssd executable SwiftPM built beside the test bundle.
    static var executable: String? {
        let folders = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                       Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        return folders.map { $0.appendingPathComponent("tinyssd").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func aKilledRunResumesFromItsLastEpoch() throws {
        let tool = try #require(Self.executable, "no tinyssd executable beside \(CommandLine.arguments[0])")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-train-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Dataset.Synth.parse(["--out", folder, "--train", "16", "--val", "4", "--size", "64", "--classes", "2"]).run()
        let run = (folder as NSString).appendingPathComponent("run")
        let metrics = (run as NSString).appendingPathComponent("metrics.csv")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["train", "--config", (folder as NSString).appendingPathComponent("user_config.yaml"), "--epochs", "3",
                             "--batch", "8", "--out", run, "--threads", "1"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(300)
        while process.isRunning, Date() < deadline, Self.rows(metrics).count < 1 { Thread.sleep(forTimeInterval: 0.05) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let beforeKill = Self.rows(metrics)
        try #require(beforeKill.count >= 1 && beforeKill.count < 3, "the run had \(beforeKill.count) epochs when it was killed")

        let resumed = try Train.parse(["--resume", run, "--json"])
        try resumed.run()
        let after = Self.rows(metrics)
        #expect(after.map { $0.split(separator: ",")[0] } == ["1", "2", "3"])
        // Epochs finished before the kill are kept as they were, not trained again: the rows hold
        // each epoch's seconds and img/s, which a second training of it would not repeat.
        #expect(Array(after.prefix(beforeKill.count)) == beforeKill)
        let last = try Checkpoint(contentsOf: (run as NSString).appendingPathComponent("checkpoints/last.safetensors"))
        #expect(last.epoch == 3 && last.resume?.optimizerStep == 3 * 2)
        let best = try CheckpointDetector(path: (run as NSString).appendingPathComponent("checkpoints/best.safetensors"))
        #expect(best.classNames == ["ellipse", "rectangle"])
        // A finished run has nothing left to train.
        try Train.parse(["--resume", run]).run()
        #expect(Self.rows(metrics).count == 3)
    }

    private static func rows(_ path: String) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().map(String.init)
    }
}
