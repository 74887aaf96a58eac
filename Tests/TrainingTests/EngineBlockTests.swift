import TestSupport
import Testing
@testable import Training

/// Whole blocks on shapes large enough to be cut into several chunks (rows for pointwise,
/// images for depthwise and patch convolutions) against the references composed by hand:
/// convolution, then training batch norm (+ ReLU6), and the same backwards.
@Suite struct EngineBlockTests {
    enum Kind: Sendable { case pointwise, depthwise, heads }

    static func check(_ kind: Kind, height: Int, width: Int, channels: Int, outputChannels: Int, batch: Int) {
        var random = DeterministicRandom(seed: 61)
        let relu6 = kind != .heads
        let shape = ConvolutionShape.same(inputHeight: height, inputWidth: width, inputChannels: channels,
                                          outputChannels: outputChannels, kernelSize: kind == .pointwise ? 1 : 3, stride: 1)
        let harness = EngineHarness(height: height, width: width, channels: channels, maxBatch: batch, threads: 2) { b in
            switch kind {
            case .pointwise:
                return [b.convolution(b.input, name: "pw", normalizationName: "pw_bn", shape: shape, bias: false, relu6: true,
                                      initializer: .glorotUniform)]
            case .depthwise:
                return [b.depthwise(b.input, name: "dw", normalizationName: "dw_bn", shape: shape, bias: false,
                                    initializer: .glorotUniform)]
            case .heads:
                return b.convolutions(b.input, shape: shape, branches: [("cls", "cls_bn", outputChannels)], bias: false,
                                      relu6: false, initializer: .heNormal)
            }
        }
        harness.randomizeParameters(&random)
        let kernelEntry = harness.table.entries.first { $0.role == .kernel }!
        let kernel = Array(harness.engine.parameters.buffer[kernelEntry.offset..<kernelEntry.offset + kernelEntry.count])
        let gammaEntry = harness.table.entries.first { $0.role == .batchNormGamma }!
        let betaEntry = harness.table.entries.first { $0.role == .batchNormBeta }!
        let gamma = Array(harness.engine.parameters.buffer[gammaEntry.offset..<gammaEntry.offset + gammaEntry.count])
        let beta = Array(harness.engine.parameters.buffer[betaEntry.offset..<betaEntry.offset + betaEntry.count])
        let images = random.floats(batch * height * width * channels, in: -1...1)

        let convolved = kind == .depthwise
            ? ConvolutionReference.depthwiseForward(shape, images: batch, input: images, filter: kernel)
            : ConvolutionReference.forward(shape, images: batch, input: images, filter: kernel)
        let expected = BatchNormReference.forward(x: convolved, channels: outputChannels, gamma: gamma, beta: beta,
                                                  epsilon: 1e-3, relu6: relu6)
        let output = harness.forward(images, batch: batch, training: true)[0]
        EngineKernelTests.expectClose(output, expected.y, tolerance: 5e-4)

        let outputGradient = random.floats(output.count, in: -1...1)
        let normGradient = BatchNormReference.backward(x: convolved, outputGradient: outputGradient, channels: outputChannels,
                                                       gamma: gamma, beta: beta, epsilon: 1e-3, relu6: relu6)
        let convolutionGradient = kind == .depthwise
            ? ConvolutionReference.depthwiseBackward(shape, images: batch, input: images, filter: kernel,
                                                     outputGradient: normGradient.x)
            : ConvolutionReference.backward(shape, images: batch, input: images, filter: kernel, outputGradient: normGradient.x)
        let gradients = harness.backward([outputGradient])
        EngineKernelTests.expectClose(gradients.input, convolutionGradient.input, tolerance: 2e-3)
        EngineKernelTests.expectClose(Array(gradients.parameters[kernelEntry.offset..<kernelEntry.offset + kernelEntry.count]),
                                      convolutionGradient.filter, tolerance: 2e-3)
        EngineKernelTests.expectClose(Array(gradients.parameters[gammaEntry.offset..<gammaEntry.offset + gammaEntry.count]),
                                      normGradient.gamma, tolerance: 2e-3)
    }

    /// 8 -> 16 channels go in chunks of 2730 rows: the second worker's two 48x40 images make two.
    @Test func pointwiseInChunks() { Self.check(.pointwise, height: 48, width: 40, channels: 8, outputChannels: 16, batch: 3) }

    /// 64x64x8 is 32768 floats: one image per chunk.
    @Test func depthwiseInChunks() { Self.check(.depthwise, height: 64, width: 64, channels: 8, outputChannels: 8, batch: 3) }

    /// A 24x24 map: one image per patch matrix.
    @Test func headsInChunks() { Self.check(.heads, height: 24, width: 24, channels: 8, outputChannels: 10, batch: 3) }
}
