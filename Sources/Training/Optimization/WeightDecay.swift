/// Keras's `l2(λ)` kernel regularizer: adds λ·Σw² to the loss, so 2λ·w to each kernel's gradient.
public struct WeightDecay: Equatable, Codable, Sendable {
    /// The model zoo's value.
    public static let modelZoo = WeightDecay(lambda: 5e-4)

    public var lambda: Float

    public init(lambda: Float) {
        self.lambda = lambda
    }

    /// λ·Σw² over the kernels: what the decay adds to the loss.
    public func penalty(table: ParameterTable, values: UnsafeBufferPointer<Float>) -> Double {
        var sum = 0.0
        for entry in table.entries where entry.role == .kernel {
            var partial: Float = 0
            for i in entry.offset..<(entry.offset + entry.count) { partial += values[i] * values[i] }
            sum += Double(partial)
        }
        return Double(lambda) * sum
    }

    /// Adds the decay gradient of every kernel and returns the penalty added to the loss.
    @discardableResult
    public func apply(table: ParameterTable, values: UnsafeBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>) -> Double {
        guard lambda != 0 else { return 0 }
        var penalty = 0.0
        for entry in table.entries where entry.role == .kernel {
            var sum: Float = 0
            for i in entry.offset..<(entry.offset + entry.count) {
                let w = values[i]
                sum += w * w
                gradients[i] += 2 * lambda * w
            }
            penalty += Double(sum)
        }
        return Double(lambda) * penalty
    }
}
