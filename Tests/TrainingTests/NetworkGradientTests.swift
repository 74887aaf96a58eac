import Detection
import TestSupport
import Testing
@testable import Training

/// End-to-end finite-difference checks: a miniature of the SSD graph (every layer kind, taps,
/// padded taps, extra blocks, global pooling, top-down merges, heads) and the real network.
@Suite struct NetworkGradientTests {
    static func same(_ source: TensorSlot, outputChannels: Int, kernel: Int, stride: Int = 1) -> ConvolutionShape {
        .same(inputHeight: source.height, inputWidth: source.width, inputChannels: source.channels,
              outputChannels: outputChannels, kernelSize: kernel, stride: stride)
    }

    static func miniatureSSD(_ b: GraphBuilder) -> [TensorSlot] {
        var x = b.convolution(b.input, name: "conv1", normalizationName: "conv1_bn", shape: same(b.input, outputChannels: 8, kernel: 3, stride: 2),
                              bias: false, relu6: true, initializer: .glorotUniform)
        x = b.depthwise(x, name: "dw1", normalizationName: "dw1_bn", shape: same(x, outputChannels: 8, kernel: 3), bias: false,
                        initializer: .glorotUniform)
        x = b.convolution(x, name: "pw1", normalizationName: "pw1_bn", shape: same(x, outputChannels: 16, kernel: 1), bias: false,
                          relu6: true, initializer: .glorotUniform)
        x = b.depthwise(x, name: "dw2", normalizationName: "dw2_bn",
                        shape: ConvolutionShape(inputHeight: x.height, inputWidth: x.width, inputChannels: 16, outputChannels: 16,
                                                kernelSize: 3, stride: 2, padTop: 0, padLeft: 0, padBottom: 1, padRight: 1),
                        bias: false, initializer: .glorotUniform)
        let tap = b.convolution(x, name: "pw2", normalizationName: "pw2_bn", shape: same(x, outputChannels: 16, kernel: 1),
                                bias: false, relu6: true, initializer: .glorotUniform)
        let padded = b.zeroPad(tap, name: "fmap_0_pad", top: 1, left: 1, bottom: 1, right: 1)
        let map0 = b.convolution(padded, name: "fmap_0_conv", normalizationName: "fmap_0_bn", shape: same(padded, outputChannels: 8, kernel: 1),
                                 bias: true, relu6: false, initializer: .heNormal)
        x = b.depthwise(tap, name: "extra_1_dw", normalizationName: "extra_1_dw_bn", shape: same(tap, outputChannels: 16, kernel: 3, stride: 2),
                        bias: true, initializer: .heNormal)
        x = b.convolution(x, name: "extra_1_pw", normalizationName: "extra_1_pw_bn", shape: same(x, outputChannels: 16, kernel: 1),
                          bias: true, relu6: true, initializer: .heNormal)
        let map1 = b.convolution(x, name: "fmap_1_conv", normalizationName: "fmap_1_bn", shape: same(x, outputChannels: 8, kernel: 1),
                                 bias: true, relu6: false, initializer: .heNormal)
        let pooled = b.globalAveragePool(x, name: "gap")
        let map2 = b.convolution(pooled, name: "fmap_2_conv", normalizationName: "fmap_2_bn", shape: same(pooled, outputChannels: 8, kernel: 1),
                                 bias: true, relu6: false, initializer: .heNormal)
        let merged1 = b.add(map1, b.upsample(map2, name: "up2"), name: "merged1")
        let up1 = b.zeroPad(b.upsample(merged1, name: "up1"), name: "up1_pad", top: 1, left: 1, bottom: 1, right: 1)
        let merged0 = b.add(map0, up1, name: "merged0")
        var heads: [TensorSlot] = []
        for (index, (map, kernel)) in [(merged0, 3), (merged1, 3), (map2, 1)].enumerated() {
            for (name, channels) in [("cls", 6), ("bbox", 4)] {
                heads.append(b.convolution(map, name: "\(name)_\(index)", normalizationName: "\(name)_\(index)_bn",
                                           shape: same(map, outputChannels: channels, kernel: kernel), bias: true,
                                           relu6: false, initializer: .heNormal))
            }
        }
        return heads
    }

    @Test func miniatureSSDGradients() {
        var random = DeterministicRandom(seed: 51)
        let batch = 3
        let harness = EngineHarness(height: 16, width: 16, channels: 3, maxBatch: batch, threads: 2, seed: 52,
                                    build: Self.miniatureSSD)
        harness.randomizeParameters(&random)
        let images = random.floats(batch * 16 * 16 * 3, in: -1...1)
        let result = harness.compareGradients(images: images, batch: batch, random: &random, perEntry: 1, inputCoordinates: 8)
        #expect(result.compared.count >= 60)
        // Measured: the input coordinates' differences wander by ±5 % whatever the step.
        EngineGradientTests.expectAgreement(result, relative: 0.08)
    }

    /// A few coordinates of the full 192 network, batch 2 split over two workers. Early layers are
    /// left to the miniature: through batch norm over two images on the 1x1 and 3x3 maps the
    /// loss is too rough at their scale for finite differences.
    @Test func fullNetworkGradients() throws {
        var random = DeterministicRandom(seed: 53)
        let network = SSDNetwork(architecture: try SSDArchitecture(inputSize: 192, classCount: 2), maxBatch: 2, threads: 2,
                                 seed: 54)
        let images = random.floats(2 * 192 * 192 * 3, in: -1...1)
        let classWeights = random.floats(2 * network.architecture.anchorCount * 3, in: -1...1)
        let boxWeights = random.floats(2 * network.architecture.anchorCount * 4, in: -1...1)
        func loss() throws -> Double {
            try images.withUnsafeBufferPointer { try network.forward(images: $0, batch: 2, training: true) }
            var total = 0.0
            for (value, weight) in zip(network.classLogits, classWeights) { total += Double(value) * Double(weight) }
            for (value, weight) in zip(network.boxOffsets, boxWeights) { total += Double(value) * Double(weight) }
            return total
        }
        _ = try loss()
        network.zeroGradients()
        try classWeights.withUnsafeBufferPointer { classes in
            try boxWeights.withUnsafeBufferPointer { boxes in
                try network.backward(classLogitGradients: classes, boxOffsetGradients: boxes)
            }
        }
        let step: Float = 2e-3
        for name in ["conv_pw_13_bn/gamma", "fmap_1_conv/kernel", "extra_2_pw/kernel", "cls_pred_0/kernel",
                     "bbox_pred_4_bn/beta"] {
            let entry = try #require(network.parameterTable.entry(named: name))
            let index = entry.offset + random.below(entry.count)
            let original = network.parameters[index]
            network.parameters[index] = original + step
            let plus = try loss()
            network.parameters[index] = original - step
            let minus = try loss()
            network.parameters[index] = original
            let numeric = (plus - minus) / (2 * Double(step)), analytic = Double(network.gradients[index])
            #expect(abs(numeric - analytic) <= 3e-2 * max(abs(numeric), abs(analytic)) + 3e-2,
                    "\(name)[\(index - entry.offset)]: analytic \(analytic), numeric \(numeric)")
        }
    }
}
