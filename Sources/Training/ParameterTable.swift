/// Where each of a network's named tensors lives: trainable values (and their gradients, laid out
/// the same way) in one contiguous buffer, batch-norm moving statistics in another. Optimizers and
/// checkpoints work on the flat buffers; names and shapes follow Keras so checkpoints read naturally.
public struct ParameterTable: Equatable, Codable, Sendable {
    public enum Role: String, Equatable, Codable, Sendable {
        /// Convolution and depthwise kernels; the only tensors with L2 weight decay.
        case kernel
        case bias
        case batchNormGamma
        case batchNormBeta
        case movingMean
        case movingVariance

        /// Moving statistics are updated by the forward pass, not by the optimizer.
        public var isTrainable: Bool { self != .movingMean && self != .movingVariance }
    }

    public struct Entry: Equatable, Codable, Sendable {
        /// Keras-style, e.g. `conv_dw_1/depthwise_kernel`.
        public var name: String
        /// Keras layout: conv kernels `[kh, kw, in, out]`, depthwise kernels `[kh, kw, channels, 1]`.
        public var shape: [Int]
        public var role: Role
        /// Offset in the trainable buffer, or in the state buffer for moving statistics.
        public var offset: Int

        public init(name: String, shape: [Int], role: Role, offset: Int) {
            self.name = name
            self.shape = shape
            self.role = role
            self.offset = offset
        }

        public var count: Int { shape.reduce(1, *) }
    }

    public private(set) var entries: [Entry] = []
    public private(set) var trainableCount = 0
    public private(set) var stateCount = 0

    public init() {}

    /// Appends a tensor after the others of its kind and returns its entry.
    @discardableResult
    public mutating func append(name: String, shape: [Int], role: Role) -> Entry {
        let count = shape.reduce(1, *)
        let entry: Entry
        if role.isTrainable {
            entry = Entry(name: name, shape: shape, role: role, offset: trainableCount)
            trainableCount += count
        } else {
            entry = Entry(name: name, shape: shape, role: role, offset: stateCount)
            stateCount += count
        }
        entries.append(entry)
        return entry
    }

    public func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// Trainable values plus moving statistics: the count Keras reports as the model's parameters.
    public var parameterCount: Int { trainableCount + stateCount }
}
