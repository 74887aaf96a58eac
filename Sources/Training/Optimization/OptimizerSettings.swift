/// Which update rule training uses and its constants, as Keras names them.
public struct OptimizerSettings: Equatable, Codable, Sendable {
    public enum Kind: String, Equatable, Codable, Sendable, CaseIterable {
        case adam
        case sgd
        case rmsprop
    }

    public var kind: Kind
    /// Adam's first-moment decay.
    public var beta1: Float = 0.9
    /// Adam's second-moment decay.
    public var beta2: Float = 0.999
    /// Adam's and RMSprop's denominator guard (PIPELINE.md §8 gives 1e-8 for Adam).
    public var epsilon: Float
    /// SGD's and RMSprop's momentum; 0 is Keras's default.
    public var momentum: Float = 0
    public var nesterov = false
    /// RMSprop's squared-gradient decay.
    public var rho: Float = 0.9

    public init(kind: Kind) {
        self.kind = kind
        self.epsilon = kind == .adam ? 1e-8 : 1e-7
    }
}
