import Foundation

/// The files of a training run: `configuration.json`, `metrics.csv`, `loss.png`, `ap.png` and
/// `checkpoints/best.safetensors` and `checkpoints/last.safetensors`.
public struct RunDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var configuration: String { file("configuration.json") }
    public var metrics: String { file("metrics.csv") }
    public var lossPlot: String { file("loss.png") }
    public var averagePrecisionPlot: String { file("ap.png") }
    public var checkpoints: String { file("checkpoints") }
    public var bestCheckpoint: String { file("checkpoints/best.safetensors") }
    public var lastCheckpoint: String { file("checkpoints/last.safetensors") }

    private func file(_ name: String) -> String {
        URL(fileURLWithPath: path).appendingPathComponent(name).path
    }

    /// Makes the folders of a new run; refuses a folder that already holds one.
    func create() throws(TrainingError) {
        if FileManager.default.fileExists(atPath: configuration) {
            throw .invalidSetting("\(path) already holds a run; continue it with --resume \(path) or choose another --out")
        }
        do { try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true) } catch {
            throw .unreadable(path: path, reason: "cannot create the run folder: \(error.localizedDescription)")
        }
    }

    func write(_ text: String, to file: String) throws(TrainingError) {
        do { try text.write(toFile: file, atomically: true, encoding: .utf8) } catch {
            throw .unreadable(path: file, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    func read(_ file: String) throws(TrainingError) -> String {
        do { return try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw .unreadable(path: file, reason: "cannot read: \(error.localizedDescription)")
        }
    }
}
