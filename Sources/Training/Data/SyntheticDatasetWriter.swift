import Dispatch
import Foundation
import ImageIO
import Synchronization

/// Writes a synthetic shapes dataset: DIR/train and DIR/val in YOLO Darknet TXT (image plus
/// same-name .txt) and DIR/user_config.yaml pointing at them. Image k of a split depends only on
/// (seed, split, k), so the output is byte-identical for a seed whatever the thread timing.
public struct SyntheticDatasetWriter: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case jpg, png
    }

    public var options = SyntheticSceneOptions()
    public var seed: UInt64 = 1
    public var format = Format.jpg
    /// libjpeg quality for .jpg.
    public var jpegQuality = 95
    /// Written into user_config.yaml's model section.
    public var modelInputSize = 192
    public var alpha = 0.25
    /// Replace the images, labels and config of an earlier run instead of refusing to.
    public var overwrite = false
    /// Recorded in user_config.yaml.
    public var origin = "tinyssd dataset synth"

    public init() {}

    /// Writes `trainingCount` + `validationCount` images; `progress` is called on the calling
    /// thread with the number of images finished since its last call.
    public func write(to directory: String, trainingCount: Int, validationCount: Int,
                      progress: (Int) -> Void = { _ in }) throws(SyntheticDatasetError) -> SyntheticDatasetSummary {
        if let problem = options.problem { throw .invalidOptions(problem) }
        guard trainingCount >= 0, validationCount >= 0, trainingCount + validationCount > 0 else {
            throw .invalidOptions("give at least one training or validation image")
        }
        let start = Date()
        let root = URL(fileURLWithPath: directory)
        let configurationURL = root.appendingPathComponent("user_config.yaml")
        let splits = [(name: "train", tag: UInt64(1), count: trainingCount), (name: "val", tag: UInt64(2), count: validationCount)]
        for split in splits { try prepare(root.appendingPathComponent(split.name)) }
        if FileManager.default.fileExists(atPath: configurationURL.path), !overwrite { throw .existingOutput(path: configurationURL.path) }

        let items = splits.flatMap { split in (0..<split.count).map { (split: split, index: $0) } }
        let counts = Mutex([Int](repeating: 0, count: options.classes.count))
        let firstError = Mutex<(index: Int, error: SyntheticDatasetError)?>(nil)
        let blockSize = 32
        for blockStart in stride(from: 0, to: items.count, by: blockSize) {
            let block = items[blockStart..<min(blockStart + blockSize, items.count)]
            DispatchQueue.concurrentPerform(iterations: block.count) { offset in
                let item = block[block.startIndex + offset]
                let digits = max(6, String(max(item.split.count - 1, 0)).count)
                let name = String(repeating: "0", count: max(0, digits - String(item.index).count)) + String(item.index)
                let folder = root.appendingPathComponent(item.split.name)
                do throws(SyntheticDatasetError) {
                    let classes = try writeImage(name: name, in: folder, split: item.split.tag, index: item.index)
                    counts.withLock { counts in for c in classes { counts[c] += 1 } }
                } catch {
                    firstError.withLock { first in
                        if (first?.index ?? Int.max) > blockStart + offset { first = (blockStart + offset, error) }
                    }
                }
            }
            if let failure = firstError.withLock({ $0 }) { throw failure.error }
            progress(block.count)
        }
        let names = options.classes.map(\.rawValue)
        let configuration = SyntheticDatasetConfiguration(classNames: names, inputSize: modelInputSize, alpha: alpha, origin: origin)
        try writeText(configuration.yamlText, to: configurationURL)
        let seconds = Date().timeIntervalSince(start)
        let perClass = counts.withLock { $0 }
        return SyntheticDatasetSummary(directory: directory, configurationPath: configurationURL.path, trainingImages: trainingCount,
                                       validationImages: validationCount, classNames: names, objectsPerClass: perClass,
                                       seconds: seconds, imagesPerSecond: Double(items.count) / max(seconds, 1e-9))
    }

    /// Draws, encodes and writes one image and its labels; returns the class of each object.
    private func writeImage(name: String, in folder: URL, split: UInt64, index: Int) throws(SyntheticDatasetError) -> [Int] {
        var random = SeededRandom(seed: seed, path: split, UInt64(index))
        let scene = SyntheticScene(options: options, random: &random)
        let imagePath = folder.appendingPathComponent("\(name).\(format.rawValue)").path
        do {
            try ImageIO.writeImage(scene.image, to: imagePath, quality: jpegQuality)
        } catch {
            throw .unwritable(path: imagePath, reason: error.description)
        }
        try writeText(scene.labelText, to: folder.appendingPathComponent("\(name).txt"))
        return scene.objects.map(\.classIndex)
    }

    /// Creates a split folder, or empties it of an earlier run's images and labels when overwriting.
    private func prepare(_ folder: URL) throws(SyntheticDatasetError) {
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            let earlier = try fileManager.contentsOfDirectory(atPath: folder.path).filter { name in
                ["jpg", "jpeg", "png", "txt"].contains(URL(fileURLWithPath: name).pathExtension.lowercased())
            }
            guard !earlier.isEmpty else { return }
            guard overwrite else { throw SyntheticDatasetError.existingOutput(path: folder.path) }
            for name in earlier { try fileManager.removeItem(at: folder.appendingPathComponent(name)) }
        } catch let error as SyntheticDatasetError {
            throw error
        } catch {
            throw .unwritable(path: folder.path, reason: (error as NSError).localizedDescription)
        }
    }

    private func writeText(_ text: String, to url: URL) throws(SyntheticDatasetError) {
        do {
            try Data(text.utf8).write(to: url)
        } catch {
            throw .unwritable(path: url.path, reason: (error as NSError).localizedDescription)
        }
    }
}

/// What `SyntheticDatasetWriter.write` made.
public struct SyntheticDatasetSummary: Codable, Equatable, Sendable {
    public var directory: String
    public var configurationPath: String
    public var trainingImages: Int
    public var validationImages: Int
    public var classNames: [String]
    public var objectsPerClass: [Int]
    public var seconds: Double
    public var imagesPerSecond: Double
}

/// Why a synthetic dataset cannot be written.
public enum SyntheticDatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidOptions(String)
    /// The folder already holds images or labels (or the config exists) and overwriting was not asked for.
    case existingOutput(path: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidOptions(let problem): return "cannot make the dataset: \(problem)"
        case .existingOutput(let path): return "\(path) already holds a dataset; choose another folder or overwrite it"
        case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}
