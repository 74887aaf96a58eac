import Detection
import Foundation

/// A trained network on disk: a safetensors file with every parameter and moving statistic under
/// its Keras-style name, the architecture, class names and rescaling in the metadata, and, for a
/// run's `last` checkpoint, what `--resume` needs (optimizer slots and the run's state).
public struct Checkpoint: Sendable {
    public static let format = "tinyssd-ssd-mobilenet-v1/1"

    public var architecture: SSDArchitecture
    public var classNames: [String]
    public var rescaling: PixelRescaling
    /// Epochs trained when this was saved.
    public var epoch: Int
    public var resume: ResumeState?
    /// Parameters, moving statistics and optimizer slots (`optimizer/<slot>/<name>`) by name.
    public private(set) var tensors: SafeTensors

    /// Copies the network's current values (and the optimizer's slots when resuming is possible).
    public init(network: SSDNetwork, classNames: [String], rescaling: PixelRescaling, epoch: Int,
                resume: ResumeState? = nil, optimizer: Optimizer? = nil) {
        architecture = network.architecture
        self.classNames = classNames
        self.rescaling = rescaling
        self.epoch = epoch
        self.resume = resume
        tensors = SafeTensors()
        let table = network.parameterTable
        for entry in table.entries {
            let source = entry.role.isTrainable ? UnsafeBufferPointer(network.parameters) : UnsafeBufferPointer(network.movingStatistics)
            tensors.set(entry.name, shape: entry.shape, values: Array(source[entry.offset..<(entry.offset + entry.count)]))
        }
        for (slot, values) in (optimizer?.slots ?? [:]).sorted(by: { $0.key < $1.key }) {
            for entry in table.entries where entry.role.isTrainable {
                tensors.set("optimizer/\(slot)/\(entry.name)", shape: entry.shape,
                            values: Array(values[entry.offset..<(entry.offset + entry.count)]))
            }
        }
    }

    /// Puts the parameters and moving statistics into `network`, matching tensors by name and shape.
    public func load(into network: SSDNetwork, path: String) throws(TrainingError) {
        guard network.architecture == architecture else {
            throw .incompatibleCheckpoint(path: path, reason: "it holds \(architecture.summary); the network is \(network.architecture.summary)")
        }
        for entry in network.parameterTable.entries {
            let values = try values(of: entry, named: entry.name, path: path)
            let target = entry.role.isTrainable ? network.parameters : network.movingStatistics
            _ = UnsafeMutableBufferPointer(rebasing: target[entry.offset..<(entry.offset + entry.count)]).update(fromContentsOf: values)
        }
    }

    /// The optimizer slots saved with a `last` checkpoint, laid out like `table`'s trainable buffer.
    public func optimizerSlots(names: some Sequence<String>, table: ParameterTable, path: String) throws(TrainingError) -> [String: [Float]] {
        var slots: [String: [Float]] = [:]
        for slot in names {
            var flat = [Float](repeating: 0, count: table.trainableCount)
            for entry in table.entries where entry.role.isTrainable {
                let values = try values(of: entry, named: "optimizer/\(slot)/\(entry.name)", path: path)
                flat.replaceSubrange(entry.offset..<(entry.offset + entry.count), with: values)
            }
            slots[slot] = flat
        }
        return slots
    }

    private func values(of entry: ParameterTable.Entry, named name: String, path: String) throws(TrainingError) -> [Float] {
        guard let tensor = tensors[name] else { throw .incompatibleCheckpoint(path: path, reason: "tensor '\(name)' is missing") }
        guard tensor.shape == entry.shape else {
            throw .incompatibleCheckpoint(path: path, reason: "tensor '\(name)' has shape \(tensor.shape); the network needs \(entry.shape)")
        }
        return tensor.values
    }

    // MARK: Files

    public func write(to path: String) throws(TrainingError) {
        var file = tensors
        file.metadata = [
            "format": Self.format,
            "architecture": Self.json(architecture),
            "class_names": Self.json(classNames),
            "rescaling": Self.json(rescaling),
            "epoch": String(epoch),
        ]
        if let resume { file.metadata["resume"] = Self.json(resume) }
        do { try file.write(to: path) } catch { throw .unreadable(path: path, reason: error.description) }
    }

    public init(contentsOf path: String) throws(TrainingError) {
        do { tensors = try SafeTensors(contentsOf: path) } catch { throw .unreadable(path: path, reason: error.description) }
        let metadata = tensors.metadata
        guard metadata["format"] == Self.format else {
            throw .incompatibleCheckpoint(path: path, reason: "it is not a TinySSD checkpoint (metadata format '\(metadata["format"] ?? "missing")', expected '\(Self.format)')")
        }
        architecture = try Self.decode(SSDArchitecture.self, metadata["architecture"], "architecture", path)
        classNames = try Self.decode([String].self, metadata["class_names"], "class_names", path)
        rescaling = try Self.decode(PixelRescaling.self, metadata["rescaling"], "rescaling", path)
        guard let epochText = metadata["epoch"], let epoch = Int(epochText), epoch >= 0 else {
            throw .incompatibleCheckpoint(path: path, reason: "the metadata has no epoch count")
        }
        self.epoch = epoch
        resume = try metadata["resume"].map { text throws(TrainingError) in try Self.decode(ResumeState.self, text, "resume", path) }
        tensors.metadata = [:]
    }

    private static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Our own Codable types, with finite numbers, always encode.
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String?, _ key: String, _ path: String) throws(TrainingError) -> T {
        guard let text else { throw .incompatibleCheckpoint(path: path, reason: "the metadata has no \(key)") }
        do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
            throw .incompatibleCheckpoint(path: path, reason: "metadata \(key) is invalid: \(error)")
        }
    }
}

/// What a run's `last` checkpoint adds so that `--resume` continues exactly where it stopped
/// (the optimizer's slots travel as tensors beside it).
public struct ResumeState: Equatable, Codable, Sendable {
    public var configuration: TrainingConfiguration
    public var optimizerStep: Int
    public var scheduler: LearningRateScheduler
    public var earlyStopping: EarlyStopping
    /// Training seconds spent before this checkpoint, for time limits and reports.
    public var trainingSeconds: Double

    public init(configuration: TrainingConfiguration, optimizerStep: Int, scheduler: LearningRateScheduler,
                earlyStopping: EarlyStopping, trainingSeconds: Double) {
        self.configuration = configuration
        self.optimizerStep = optimizerStep
        self.scheduler = scheduler
        self.earlyStopping = earlyStopping
        self.trainingSeconds = trainingSeconds
    }
}

extension SSDArchitecture {
    /// "alpha 0.25, 192 x 192, 1 class" for messages.
    public var summary: String {
        "alpha \(alpha), \(inputSize) x \(inputSize), \(classCount) class\(classCount == 1 ? "" : "es")"
    }
}
