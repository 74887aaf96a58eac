import TestSupport
import Testing
@testable import Training

/// A small graph built for a test: its input gets a gradient, each returned tensor becomes an
/// output, and forward/backward take and give plain arrays.
final class EngineHarness {
    let engine: NetworkEngine
    let outputs: [OutputArray]
    let input: TensorSlot

    init(height: Int, width: Int, channels: Int, maxBatch: Int, threads: Int, seed: UInt64 = 11,
         build: (GraphBuilder) -> [TensorSlot]) {
        let builder = GraphBuilder(inputHeight: height, inputWidth: width, inputChannels: channels, maxBatch: maxBatch,
                                   inputNeedsGradient: true)
        let results = build(builder)
        outputs = results.map { slot in
            let array = builder.makeOutput(elementsPerImage: slot.elementsPerImage)
            builder.copy(slot, to: array, offset: 0)
            return array
        }
        input = builder.input
        engine = builder.makeEngine(threads: threads, seed: seed)
    }

    var table: ParameterTable { engine.table }

    /// Moves every trainable value off its Keras default (biases and beta 0, gamma 1) so that
    /// no gradient is trivially zero.
    func randomizeParameters(_ random: inout DeterministicRandom) {
        for entry in table.entries {
            let base = entry.role.isTrainable ? engine.parameters.base : engine.movingStatistics.base
            for index in entry.offset..<entry.offset + entry.count {
                switch entry.role {
                case .kernel: continue
                case .batchNormGamma: base[index] = 0.5 + random.unitFloat()
                case .movingVariance: base[index] = 0.2 + random.unitFloat()
                default: base[index] = random.unitFloat() - 0.5
                }
            }
        }
    }

    /// Concatenated outputs of all images.
    @discardableResult
    func forward(_ images: [Float], batch: Int, training: Bool) -> [[Float]] {
        images.withUnsafeBufferPointer { engine.forward(images: $0.baseAddress!, batch: batch, training: training) }
        return outputs.map { Array(UnsafeBufferPointer(start: $0.values.base, count: batch * $0.elementsPerImage)) }
    }

    /// Input and parameter gradients of `Σ outputGradients · outputs` at the last forward pass.
    func backward(_ outputGradients: [[Float]]) -> (input: [Float], parameters: [Float]) {
        engine.parameterGradients.zero()
        let batch = engine.trainingBatch ?? 0
        for (array, gradient) in zip(outputs, outputGradients) {
            array.gradients = gradient.withUnsafeBufferPointer { UnsafePointer($0.baseAddress!) }
        }
        // The pointers above stay valid: the arrays outlive this call and are not mutated.
        withExtendedLifetime(outputGradients) { engine.backward() }
        for array in outputs { array.gradients = nil }
        let inputGradient = Array(UnsafeBufferPointer(start: engine.inputGradient!.base, count: batch * input.elementsPerImage))
        return (inputGradient, Array(engine.parameterGradients.buffer))
    }

    /// `Σ weights · outputs` in Double, after a training-mode forward pass.
    func loss(_ images: [Float], batch: Int, weights: [[Float]]) -> Double {
        let values = forward(images, batch: batch, training: true)
        var total = 0.0
        for (output, weight) in zip(values, weights) {
            for index in output.indices { total += Double(output[index]) * Double(weight[index]) }
        }
        return total
    }
}

/// One compared gradient coordinate.
struct GradientComparison: CustomStringConvertible {
    var name: String
    var analytic: Double
    var numeric: Double
    var description: String { "\(name): analytic \(analytic), numeric \(numeric)" }
}

extension EngineHarness {
    /// Central differences of the random projection `Σ weights · outputs` against backward, for
    /// `perEntry` random coordinates of every parameter tensor and `inputCoordinates` of the input.
    /// Coordinates where the one-sided differences disagree (a ReLU6 kink inside ±step) are
    /// left out; the caller checks that few are.
    func compareGradients(images: [Float], batch: Int, random: inout DeterministicRandom, perEntry: Int = 3,
                          inputCoordinates: Int = 6, step: Float = 1e-3) -> (compared: [GradientComparison], skipped: Int) {
        let weights = outputs.map { random.floats(batch * $0.elementsPerImage, in: -1...1) }
        _ = forward(images, batch: batch, training: true)
        let analytic = backward(weights)
        var compared: [GradientComparison] = [], skipped = 0
        /// `shifted(delta)`: the loss with the coordinate moved by `delta`.
        func check(name: String, analytic: Float, shifted: (Float) -> Double) {
            let centre = shifted(0), plus = shifted(step), minus = shifted(-step)
            let forwardSlope = (plus - centre) / Double(step), backwardSlope = (centre - minus) / Double(step)
            if abs(forwardSlope - backwardSlope) > 0.02 * max(abs(forwardSlope), abs(backwardSlope)) + 0.01 {
                skipped += 1
                return
            }
            compared.append(GradientComparison(name: name, analytic: Double(analytic),
                                               numeric: (plus - minus) / (2 * Double(step))))
        }
        for entry in table.entries where entry.role.isTrainable {
            for _ in 0..<perEntry {
                let index = entry.offset + random.below(entry.count)
                let original = engine.parameters.base[index]
                check(name: "\(entry.name)[\(index - entry.offset)]", analytic: analytic.parameters[index]) { delta in
                    engine.parameters.base[index] = original + delta
                    defer { engine.parameters.base[index] = original }
                    return loss(images, batch: batch, weights: weights)
                }
            }
        }
        for _ in 0..<inputCoordinates {
            let index = random.below(batch * input.elementsPerImage)
            check(name: "input[\(index)]", analytic: analytic.input[index]) { delta in
                var perturbed = images
                perturbed[index] += delta
                return loss(perturbed, batch: batch, weights: weights)
            }
        }
        return (compared, skipped)
    }
}
