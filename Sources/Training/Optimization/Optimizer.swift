import Foundation

/// Updates a flat buffer of trainable values from its gradients with Adam, SGD or RMSprop,
/// following Keras's update rules, and keeps the per-value slots they need (moments, velocity).
public struct Optimizer: Sendable {
    public let settings: OptimizerSettings
    /// Updates applied so far (Adam's bias correction uses it).
    public private(set) var step: Int = 0
    /// Per-value state, each as long as the trainable buffer: Adam `m`, `v`; SGD `velocity`; RMSprop `rms`, `momentum`.
    public private(set) var slots: [String: [Float]]

    public init(settings: OptimizerSettings, parameterCount: Int) {
        self.settings = settings
        let names: [String]
        switch settings.kind {
        case .adam: names = ["m", "v"]
        case .sgd: names = settings.momentum == 0 ? [] : ["velocity"]
        case .rmsprop: names = settings.momentum == 0 ? ["rms"] : ["rms", "momentum"]
        }
        slots = Dictionary(uniqueKeysWithValues: names.map { ($0, [Float](repeating: 0, count: parameterCount)) })
    }

    /// Restores a saved state; nil if the slots do not fit this optimizer.
    public init?(settings: OptimizerSettings, step: Int, slots: [String: [Float]], parameterCount: Int) {
        let fresh = Optimizer(settings: settings, parameterCount: parameterCount)
        guard Set(fresh.slots.keys) == Set(slots.keys), slots.values.allSatisfy({ $0.count == parameterCount }), step >= 0 else {
            return nil
        }
        self.settings = settings
        self.step = step
        self.slots = slots
    }

    public mutating func apply(gradients: UnsafeBufferPointer<Float>, to values: UnsafeMutableBufferPointer<Float>, learningRate: Float) {
        precondition(gradients.count == values.count, "gradient and value buffers differ in length")
        step += 1
        switch settings.kind {
        case .adam: applyAdam(gradients, values, learningRate)
        case .sgd: applySGD(gradients, values, learningRate)
        case .rmsprop: applyRMSprop(gradients, values, learningRate)
        }
    }

    private mutating func applyAdam(_ g: UnsafeBufferPointer<Float>, _ w: UnsafeMutableBufferPointer<Float>, _ lr: Float) {
        let s = settings
        let t = Double(step)
        // Keras folds both bias corrections into the step size ("epsilon hat" form).
        let stepSize = Float(Double(lr) * (1 - pow(Double(s.beta2), t)).squareRoot() / (1 - pow(Double(s.beta1), t)))
        var m = slots["m"] ?? []
        var v = slots["v"] ?? []
        slots = [:]
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                for i in 0..<w.count {
                    let gi = g[i]
                    m[i] = s.beta1 * m[i] + (1 - s.beta1) * gi
                    v[i] = s.beta2 * v[i] + (1 - s.beta2) * gi * gi
                    w[i] -= stepSize * m[i] / (v[i].squareRoot() + s.epsilon)
                }
            }
        }
        slots = ["m": m, "v": v]
    }

    private mutating func applySGD(_ g: UnsafeBufferPointer<Float>, _ w: UnsafeMutableBufferPointer<Float>, _ lr: Float) {
        let s = settings
        guard s.momentum != 0, var velocity = slots["velocity"] else {
            for i in 0..<w.count { w[i] -= lr * g[i] }
            return
        }
        slots = [:]
        velocity.withUnsafeMutableBufferPointer { velocity in
            for i in 0..<w.count {
                velocity[i] = s.momentum * velocity[i] - lr * g[i]
                w[i] += s.nesterov ? s.momentum * velocity[i] - lr * g[i] : velocity[i]
            }
        }
        slots = ["velocity": velocity]
    }

    private mutating func applyRMSprop(_ g: UnsafeBufferPointer<Float>, _ w: UnsafeMutableBufferPointer<Float>, _ lr: Float) {
        let s = settings
        var rms = slots["rms"] ?? []
        var momentum = slots["momentum"] ?? []
        slots = [:]
        rms.withUnsafeMutableBufferPointer { rms in
            momentum.withUnsafeMutableBufferPointer { momentum in
                for i in 0..<w.count {
                    let gi = g[i]
                    rms[i] = s.rho * rms[i] + (1 - s.rho) * gi * gi
                    if s.momentum == 0 {
                        w[i] -= lr * gi / (rms[i].squareRoot() + s.epsilon)
                    } else {
                        // Keras's momentum form takes the square root of (rms + epsilon).
                        momentum[i] = s.momentum * momentum[i] + lr * gi / (rms[i] + s.epsilon).squareRoot()
                        w[i] -= momentum[i]
                    }
                }
            }
        }
        slots = s.momentum == 0 ? ["rms": rms] : ["rms": rms, "momentum": momentum]
    }
}
