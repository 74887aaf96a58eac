import TestSupport
import Testing
@testable import Training

/// Finite-difference checks of every layer's backward pass, each run by two workers on an odd
/// batch so that batch-norm statistics are merged across workers.
@Suite struct EngineGradientTests {
    /// Within `relative` of the larger value plus 0.01: float finite differences through many
    /// batch norms and ReLU6 kinks wander by a few percent.
    static func expectAgreement(_ result: (compared: [GradientComparison], skipped: Int), relative: Double = 0.02,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.compared.count >= 4 * result.skipped, "too many kinks: \(result.skipped) skipped",
                sourceLocation: sourceLocation)
        for comparison in result.compared {
            let scale = max(abs(comparison.analytic), abs(comparison.numeric))
            #expect(abs(comparison.analytic - comparison.numeric) <= relative * scale + 1e-2, "\(comparison)",
                    sourceLocation: sourceLocation)
        }
    }

    /// Builds `build` on a random `height x width x channels` input and compares its gradients.
    static func check(height: Int, width: Int, channels: Int, batch: Int = 3, seed: UInt64,
                      sourceLocation: SourceLocation = #_sourceLocation, build: (GraphBuilder) -> [TensorSlot]) {
        var random = DeterministicRandom(seed: seed)
        let harness = EngineHarness(height: height, width: width, channels: channels, maxBatch: batch, threads: 2,
                                    seed: seed, build: build)
        harness.randomizeParameters(&random)
        let images = random.floats(batch * height * width * channels, in: -1...1)
        expectAgreement(harness.compareGradients(images: images, batch: batch, random: &random),
                        sourceLocation: sourceLocation)
    }

    struct ConvolutionCase: CustomTestStringConvertible, Sendable {
        var height: Int, width: Int, inputChannels: Int, outputChannels: Int, kernel: Int, stride: Int
        /// Explicit (top, left, bottom, right) padding; nil for Keras "same".
        var padding: (Int, Int, Int, Int)?
        var bias: Bool
        var relu6: Bool

        var shape: ConvolutionShape {
            guard let (top, left, bottom, right) = padding else {
                return .same(inputHeight: height, inputWidth: width, inputChannels: inputChannels,
                             outputChannels: outputChannels, kernelSize: kernel, stride: stride)
            }
            return ConvolutionShape(inputHeight: height, inputWidth: width, inputChannels: inputChannels,
                                    outputChannels: outputChannels, kernelSize: kernel, stride: stride,
                                    padTop: top, padLeft: left, padBottom: bottom, padRight: right)
        }
        var testDescription: String { "\(height)x\(width)x\(inputChannels)->\(outputChannels) k\(kernel) s\(stride) \(String(describing: padding))" }
    }

    static let convolutions: [ConvolutionCase] = [
        ConvolutionCase(height: 5, width: 4, inputChannels: 6, outputChannels: 7, kernel: 1, stride: 1, bias: false, relu6: true),
        ConvolutionCase(height: 3, width: 3, inputChannels: 9, outputChannels: 10, kernel: 1, stride: 1, bias: true, relu6: false),
        ConvolutionCase(height: 6, width: 5, inputChannels: 3, outputChannels: 5, kernel: 3, stride: 1, bias: false, relu6: true),
        ConvolutionCase(height: 7, width: 5, inputChannels: 3, outputChannels: 4, kernel: 3, stride: 2, bias: true, relu6: true),
        ConvolutionCase(height: 8, width: 6, inputChannels: 4, outputChannels: 6, kernel: 3, stride: 2,
                        padding: (0, 0, 1, 1), bias: false, relu6: true),
        ConvolutionCase(height: 1, width: 1, inputChannels: 5, outputChannels: 6, kernel: 3, stride: 1, bias: true, relu6: false),
    ]

    @Test(arguments: convolutions)
    func convolutionBlock(_ c: ConvolutionCase) {
        Self.check(height: c.height, width: c.width, channels: c.inputChannels, seed: 21) { builder in
            [builder.convolution(builder.input, name: "conv", normalizationName: "conv_bn", shape: c.shape, bias: c.bias,
                                 relu6: c.relu6, initializer: .glorotUniform)]
        }
    }

    static let depthwise: [ConvolutionCase] = [
        ConvolutionCase(height: 6, width: 5, inputChannels: 11, outputChannels: 11, kernel: 3, stride: 1, bias: false, relu6: true),
        ConvolutionCase(height: 5, width: 9, inputChannels: 8, outputChannels: 8, kernel: 3, stride: 1, bias: true, relu6: true),
        ConvolutionCase(height: 7, width: 7, inputChannels: 8, outputChannels: 8, kernel: 3, stride: 2,
                        padding: (0, 0, 1, 1), bias: false, relu6: true),
        ConvolutionCase(height: 6, width: 6, inputChannels: 16, outputChannels: 16, kernel: 3, stride: 2, bias: true, relu6: true),
        ConvolutionCase(height: 7, width: 4, inputChannels: 3, outputChannels: 3, kernel: 3, stride: 2, bias: false, relu6: true),
        ConvolutionCase(height: 1, width: 1, inputChannels: 9, outputChannels: 9, kernel: 3, stride: 1, bias: true, relu6: true),
    ]

    @Test(arguments: depthwise)
    func depthwiseBlock(_ c: ConvolutionCase) {
        Self.check(height: c.height, width: c.width, channels: c.inputChannels, seed: 22) { builder in
            [builder.depthwise(builder.input, name: "dw", normalizationName: "dw_bn", shape: c.shape, bias: c.bias,
                               initializer: .heNormal)]
        }
    }

    /// Two heads sharing one patch matrix, and the stem's direct kernels with an input gradient.
    @Test func sharedPatchesAndStem() {
        Self.check(height: 5, width: 6, channels: 3, seed: 25) { builder in
            let stem = builder.convolution(builder.input, name: "stem", normalizationName: "stem_bn",
                                           shape: .same(inputHeight: 5, inputWidth: 6, inputChannels: 3, outputChannels: 8,
                                                        kernelSize: 3, stride: 2),
                                           bias: false, relu6: true, initializer: .glorotUniform)
            return builder.convolutions(stem, shape: .same(inputHeight: stem.height, inputWidth: stem.width, inputChannels: 8,
                                                           outputChannels: 0, kernelSize: 3, stride: 1),
                                        branches: [("cls", "cls_bn", 6), ("box", "box_bn", 4)], bias: true, relu6: false,
                                        initializer: .heNormal)
        }
    }

    @Test func padPoolUpsampleAndAdd() {
        Self.check(height: 3, width: 3, channels: 2, seed: 23) { builder in
            let upsampled = builder.upsample(builder.input, name: "up")
            let padded = builder.zeroPad(builder.input, name: "pad", top: 1, left: 2, bottom: 2, right: 1)
            return [builder.add(upsampled, padded, name: "sum"), builder.globalAveragePool(builder.input, name: "gap")]
        }
    }

    @Test func tensorReadByThreeLayers() {
        Self.check(height: 4, width: 4, channels: 8, seed: 24) { builder in
            let shape = ConvolutionShape.same(inputHeight: 4, inputWidth: 4, inputChannels: 8, outputChannels: 8,
                                              kernelSize: 1, stride: 1)
            let shared = builder.convolution(builder.input, name: "a", normalizationName: "a_bn", shape: shape,
                                             bias: false, relu6: true, initializer: .glorotUniform)
            let first = builder.convolution(shared, name: "b", normalizationName: "b_bn", shape: shape, bias: true,
                                            relu6: false, initializer: .heNormal)
            let second = builder.depthwise(shared, name: "c", normalizationName: "c_bn",
                                           shape: .same(inputHeight: 4, inputWidth: 4, inputChannels: 8, outputChannels: 8,
                                                        kernelSize: 3, stride: 1),
                                           bias: false, initializer: .glorotUniform)
            return [first, second, builder.globalAveragePool(shared, name: "gap")]
        }
    }
}
