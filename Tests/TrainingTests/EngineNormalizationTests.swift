import TestSupport
import Testing
@testable import Training

/// Keras BatchNormalization semantics through a 1x1 convolution whose kernel is the identity,
/// so the normalized values are the input's: batch statistics (biased variance) in training,
/// moving averages with momentum 0.99, moving statistics in inference.
@Suite struct EngineNormalizationTests {
    static let channels = 11, side = 3, batch = 5

    static func identityHarness(relu6: Bool, threads: Int) -> EngineHarness {
        let harness = EngineHarness(height: side, width: side, channels: channels, maxBatch: batch, threads: threads) { builder in
            [builder.convolution(builder.input, name: "conv", normalizationName: "bn",
                                 shape: .same(inputHeight: side, inputWidth: side, inputChannels: channels,
                                              outputChannels: channels, kernelSize: 1, stride: 1),
                                 bias: true, relu6: relu6, initializer: .glorotUniform)]
        }
        let kernel = harness.table.entry(named: "conv/kernel")!
        for i in 0..<channels {
            for o in 0..<channels { harness.engine.parameters.base[kernel.offset + i * channels + o] = i == o ? 1 : 0 }
        }
        return harness
    }

    static func values(_ harness: EngineHarness, _ name: String) -> [Float] {
        let entry = harness.table.entry(named: name)!
        let base = entry.role.isTrainable ? harness.engine.parameters.base : harness.engine.movingStatistics.base
        return Array(UnsafeBufferPointer(start: base + entry.offset, count: entry.count))
    }

    @Test(arguments: [true, false])
    func trainingUsesBatchStatisticsAndMovesTheAverages(relu6: Bool) {
        var random = DeterministicRandom(seed: 41)
        let harness = Self.identityHarness(relu6: relu6, threads: 2)
        harness.randomizeParameters(&random)
        // A mean far from zero checks the variance for cancellation.
        let images = random.floats(Self.batch * Self.side * Self.side * Self.channels, in: 40...42)
        let gamma = Self.values(harness, "bn/gamma"), beta = Self.values(harness, "bn/beta")
        let bias = Self.values(harness, "conv/bias")
        let movingMean = Self.values(harness, "bn/moving_mean"), movingVariance = Self.values(harness, "bn/moving_variance")
        let biased = images.indices.map { images[$0] + bias[$0 % Self.channels] }

        let output = harness.forward(images, batch: Self.batch, training: true)[0]
        let reference = BatchNormReference.forward(x: biased, channels: Self.channels, gamma: gamma, beta: beta,
                                                   epsilon: 1e-3, relu6: relu6)
        EngineKernelTests.expectClose(output, reference.y, tolerance: 2e-4)
        let newMean = Self.values(harness, "bn/moving_mean"), newVariance = Self.values(harness, "bn/moving_variance")
        for c in 0..<Self.channels {
            #expect(abs(Double(newMean[c]) - (0.99 * Double(movingMean[c]) + 0.01 * reference.mean[c])) < 1e-4)
            #expect(abs(Double(newVariance[c]) - (0.99 * Double(movingVariance[c]) + 0.01 * reference.variance[c])) < 1e-5)
        }

        let outputGradient = random.floats(output.count, in: -1...1)
        let gradients = harness.backward([outputGradient])
        let expected = BatchNormReference.backward(x: biased, outputGradient: outputGradient, channels: Self.channels,
                                                   gamma: gamma, beta: beta, epsilon: 1e-3, relu6: relu6)
        EngineKernelTests.expectClose(gradients.input, expected.x, tolerance: 2e-3)
        let gammaEntry = harness.table.entry(named: "bn/gamma")!, betaEntry = harness.table.entry(named: "bn/beta")!
        EngineKernelTests.expectClose(Array(gradients.parameters[gammaEntry.offset..<gammaEntry.offset + Self.channels]),
                                      expected.gamma, tolerance: 2e-3)
        EngineKernelTests.expectClose(Array(gradients.parameters[betaEntry.offset..<betaEntry.offset + Self.channels]),
                                      expected.beta, tolerance: 1e-4)
    }

    @Test func inferenceUsesMovingStatistics() {
        var random = DeterministicRandom(seed: 42)
        let harness = Self.identityHarness(relu6: true, threads: 2)
        harness.randomizeParameters(&random)
        let images = random.floats(3 * Self.side * Self.side * Self.channels, in: -3...3)
        let gamma = Self.values(harness, "bn/gamma"), beta = Self.values(harness, "bn/beta")
        let bias = Self.values(harness, "conv/bias")
        let mean = Self.values(harness, "bn/moving_mean"), variance = Self.values(harness, "bn/moving_variance")
        let output = harness.forward(images, batch: 3, training: false)[0]
        let expected = images.indices.map { index -> Float in
            let c = index % Self.channels
            let value = Double(images[index] + bias[c] - mean[c]) / (Double(variance[c]) + 1e-3).squareRoot()
                * Double(gamma[c]) + Double(beta[c])
            return Float(min(max(value, 0), 6))
        }
        EngineKernelTests.expectClose(output, expected, tolerance: 1e-5)
        #expect(Self.values(harness, "bn/moving_mean") == mean)
    }

    @Test func oneWorkerAndTwoWorkersAgree() {
        var random = DeterministicRandom(seed: 43)
        let images = random.floats(Self.batch * Self.side * Self.side * Self.channels, in: -2...2)
        let outputGradient = random.floats(images.count, in: -1...1)
        var results: [([Float], [Float], [Float])] = []
        for threads in [1, 2] {
            var parameterRandom = DeterministicRandom(seed: 44)
            let harness = Self.identityHarness(relu6: true, threads: threads)
            harness.randomizeParameters(&parameterRandom)
            #expect(harness.engine.workers == threads)
            let output = harness.forward(images, batch: Self.batch, training: true)[0]
            let gradients = harness.backward([outputGradient])
            results.append((output, gradients.input, gradients.parameters))
        }
        EngineKernelTests.expectClose(results[0].0, results[1].0, tolerance: 1e-5)
        EngineKernelTests.expectClose(results[0].1, results[1].1, tolerance: 1e-4)
        EngineKernelTests.expectClose(results[0].2, results[1].2, tolerance: 1e-4)
    }
}

@Suite struct EngineResamplingTests {
    /// TensorFlow's half-pixel bilinear x2 of [[1, 2], [3, 4]], worked out by hand: output pixel i
    /// samples (i + 0.5) / 2 - 0.5, clamped to the edge pixels.
    @Test func upsamplingFollowsTensorFlowHalfPixelCentres() {
        let harness = EngineHarness(height: 2, width: 2, channels: 1, maxBatch: 1, threads: 1) { builder in
            [builder.upsample(builder.input, name: "up")]
        }
        let output = harness.forward([1, 2, 3, 4], batch: 1, training: false)[0]
        #expect(output == [1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4])
    }

    @Test func zeroPaddingAndAveragePooling() {
        let harness = EngineHarness(height: 1, width: 2, channels: 2, maxBatch: 2, threads: 2) { builder in
            [builder.zeroPad(builder.input, name: "pad", top: 1, left: 0, bottom: 0, right: 1),
             builder.globalAveragePool(builder.input, name: "gap")]
        }
        let outputs = harness.forward([1, 2, 3, 4, 5, 6, 7, 8], batch: 2, training: false)
        #expect(outputs[0] == [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 7, 8, 0, 0])
        #expect(outputs[1] == [2, 3, 6, 7])
    }
}
