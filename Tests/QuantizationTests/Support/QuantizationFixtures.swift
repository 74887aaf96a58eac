import Foundation
import Quantization
import Training

/// What the quantization tests share: a checkpoint trained here (the synthetic shapes demo, 192,
/// 5 classes, epoch 27 of a 13-minute run) and synthetic images made again from their seed.
enum QuantizationFixtures {
    static var resources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Resources")
    }

    static var checkpoint: String { resources.appendingPathComponent("shapes-192.safetensors").path }

    /// `train` training and `val` validation images of `tinyssd dataset synth` (seed 1), written once
    /// per test process into a temporary folder; image k is the same whatever the counts.
    static func shapes(train: Int, val: Int) throws -> URL {
        let key = "\(train)-\(val)"
        return try lock.withLock {
            if let folder = made[key] { return folder }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-shapes-\(ProcessInfo.processInfo.processIdentifier)-\(key)")
            var writer = SyntheticDatasetWriter()
            writer.overwrite = true
            _ = try writer.write(to: folder.path, trainingCount: train, validationCount: val)
            made[key] = folder
            return folder
        }
    }

    nonisolated(unsafe) private static var made: [String: URL] = [:]
    private static let lock = NSLock()
}
