import Foundation
import Testing
import Training

@Suite struct OptimizerTests {
    func run(_ settings: OptimizerSettings, values: [Float], gradients: [[Float]], rate: Float) -> [Float] {
        var optimizer = Optimizer(settings: settings, parameterCount: values.count)
        var values = values
        for g in gradients {
            g.withUnsafeBufferPointer { g in
                values.withUnsafeMutableBufferPointer { optimizer.apply(gradients: g, to: $0, learningRate: rate) }
            }
        }
        return values
    }

    @Test func plainSGDSubtractsTheScaledGradient() {
        let out = run(OptimizerSettings(kind: .sgd), values: [1, -2, 0.5], gradients: [[0.5, 1, -4]], rate: 0.25)
        #expect(out == [0.875, -2.25, 1.5])
    }

    @Test func sgdMomentumAccumulatesVelocity() {
        var settings = OptimizerSettings(kind: .sgd)
        settings.momentum = 0.5
        // v1 = -0.1, w1 = 0.9; v2 = 0.5 * -0.1 - 0.1 = -0.15, w2 = 0.75.
        let out = run(settings, values: [1], gradients: [[1], [1]], rate: 0.1)
        #expect(abs(out[0] - 0.75) < 1e-6)
        settings.nesterov = true
        // Nesterov: w1 = 1 + 0.5 * -0.1 - 0.1 = 0.85; w2 = 0.85 + 0.5 * -0.15 - 0.1 = 0.675.
        #expect(abs(run(settings, values: [1], gradients: [[1], [1]], rate: 0.1)[0] - 0.675) < 1e-6)
    }

    @Test func adamFirstStepMovesEveryValueByTheRate() {
        // At step 1 the bias-corrected m / sqrt(v) is the gradient's sign, whatever its size.
        let out = run(OptimizerSettings(kind: .adam), values: [0, 0, 0], gradients: [[3, -0.01, 100]], rate: 0.001)
        #expect(abs(out[0] + 0.001) < 1e-8)
        #expect(abs(out[1] - 0.001) < 1e-7)
        #expect(abs(out[2] + 0.001) < 1e-8)
    }

    @Test func adamSecondStepFollowsKerasFormula() {
        // Hand computation for g = 1 then g = -1, lr 0.01, beta1 0.9, beta2 0.999:
        // m2 = 0.9 * 0.1 - 0.1 = -0.01, v2 = 0.999 * 0.001 + 0.001 = 0.001999,
        // step size = 0.01 * sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.01 * 0.0447102 / 0.19 = 0.00235317.
        // w2 = -0.01 - 0.00235317 * -0.01 / sqrt(0.001999) = -0.01 + 0.000526313.
        let out = run(OptimizerSettings(kind: .adam), values: [0], gradients: [[1], [-1]], rate: 0.01)
        #expect(abs(out[0] - (-0.01 + 0.000526313)) < 1e-7)
    }

    @Test func rmspropDividesByTheRootMeanSquare() {
        // ms = 0.1 * 4 = 0.4, w = 1 - 0.01 * 2 / (sqrt(0.4) + 1e-7).
        let out = run(OptimizerSettings(kind: .rmsprop), values: [1], gradients: [[2]], rate: 0.01)
        #expect(abs(out[0] - (1 - 0.02 / 0.6324556)) < 1e-6)
    }

    @Test func restoresOnlyMatchingSlots() {
        let settings = OptimizerSettings(kind: .adam)
        #expect(Optimizer(settings: settings, step: 3, slots: ["m": [0, 0], "v": [0, 0]], parameterCount: 2) != nil)
        #expect(Optimizer(settings: settings, step: 3, slots: ["m": [0, 0]], parameterCount: 2) == nil)
        #expect(Optimizer(settings: settings, step: 3, slots: ["m": [0], "v": [0]], parameterCount: 2) == nil)
    }

    @Test func weightDecayTouchesKernelsOnly() {
        var table = ParameterTable()
        table.append(name: "conv/kernel", shape: [1, 1, 1, 2], role: .kernel)
        table.append(name: "conv/bias", shape: [2], role: .bias)
        table.append(name: "bn/moving_mean", shape: [2], role: .movingMean)
        let values: [Float] = [2, -1, 5, 5]
        var gradients: [Float] = [0, 0, 0, 0]
        let penalty = values.withUnsafeBufferPointer { v in
            gradients.withUnsafeMutableBufferPointer { WeightDecay(lambda: 0.5).apply(table: table, values: v, gradients: $0) }
        }
        #expect(penalty == 2.5)
        #expect(gradients == [2, -1, 0, 0])
        #expect(table.trainableCount == 4 && table.stateCount == 2 && table.parameterCount == 6)
    }
}

@Suite struct LearningRateScheduleTests {
    @Test func plateauDividesByTenAfterTenFlatEpochs() {
        var scheduler = LearningRateScheduler(schedule: .reduceOnPlateau, initialRate: 1e-3)
        scheduler.endEpoch(validationLoss: 1.0)
        for _ in 0..<9 { scheduler.endEpoch(validationLoss: 0.99995) }
        #expect(scheduler.rate == 1e-3)
        scheduler.endEpoch(validationLoss: 1.0)
        #expect(abs(scheduler.rate - 1e-4) < 1e-10)
        scheduler.endEpoch(validationLoss: 0.5)
        #expect(scheduler.epochsWithoutImprovement == 0 && scheduler.bestLoss == 0.5)
        for _ in 0..<40 { scheduler.endEpoch(validationLoss: 0.6) }
        #expect(scheduler.rate == 1e-6)
    }

    @Test func exponentialAndCosineWaitTenEpochs() {
        var exponential = LearningRateScheduler(schedule: .exponential, initialRate: 1e-3)
        exponential.beginEpoch(9)
        #expect(exponential.rate == 1e-3)
        exponential.beginEpoch(10)
        #expect(abs(Double(exponential.rate) - 1e-3 * exp(-0.001)) < 1e-10)
        var cosine = LearningRateScheduler(schedule: .cosine, initialRate: 1e-3)
        cosine.beginEpoch(9)
        #expect(cosine.rate == 1e-3)
        cosine.beginEpoch(509)
        #expect(abs(Double(cosine.rate) - 1e-3 * (1e-5 + (1 - 1e-5) * 0.5)) < 1e-9)
        cosine.beginEpoch(5000)
        #expect(abs(Double(cosine.rate) - 1e-8) < 1e-12)
    }

    @Test func earlyStoppingRemembersTheBestEpoch() {
        var stopping = EarlyStopping(patience: 2)
        let improved = [3.0, 2, 2].enumerated().map { stopping.record(epoch: $0.offset, validationLoss: $0.element) }
        #expect(improved == [true, true, false])
        #expect(!stopping.shouldStop)
        stopping.record(epoch: 3, validationLoss: 2.5)
        #expect(stopping.shouldStop && stopping.bestEpoch == 1)
    }
}
