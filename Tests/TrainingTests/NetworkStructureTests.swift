import Detection
import Testing
@testable import Training

@Suite struct NetworkStructureTests {
    @Test(arguments: [(192, 434_814), (224, 585_076), (256, 585_076)])
    func parameterCountMatchesTheModelZoo(size: Int, expected: Int) throws {
        let network = SSDNetwork(architecture: try SSDArchitecture(inputSize: size, classCount: 1), maxBatch: 1,
                                 threads: 1, seed: 1)
        #expect(network.parameterTable.parameterCount == expected)
        #expect(network.parameters.count + network.movingStatistics.count == expected)
    }

    /// Keras reports 3,228,864 parameters for MobileNet(alpha=1.0, include_top=False).
    @Test func backboneAtAlphaOneMatchesKeras() throws {
        let network = SSDNetwork(architecture: try SSDArchitecture(alpha: 1.0, inputSize: 224, classCount: 3), maxBatch: 1,
                                 threads: 1, seed: 1)
        let backbone = network.parameterTable.entries.filter {
            $0.name.hasPrefix("conv1") || $0.name.hasPrefix("conv_dw_") || $0.name.hasPrefix("conv_pw_")
        }
        #expect(backbone.reduce(0) { $0 + $1.count } == 3_228_864)
    }

    @Test func kerasNamesShapesAndLayout() throws {
        let network = SSDNetwork(architecture: try SSDArchitecture(alpha: 0.5, inputSize: 192, classCount: 2), maxBatch: 1,
                                 threads: 1, seed: 1)
        let table = network.parameterTable
        let first = table.entries.prefix(7).map { "\($0.name) \($0.shape)" }
        #expect(first == ["conv1/kernel [3, 3, 3, 16]", "conv1_bn/gamma [16]", "conv1_bn/beta [16]",
                          "conv1_bn/moving_mean [16]", "conv1_bn/moving_variance [16]",
                          "conv_dw_1/depthwise_kernel [3, 3, 16, 1]", "conv_dw_1_bn/gamma [16]"])
        #expect(table.entry(named: "conv_pw_13/kernel")?.shape == [1, 1, 512, 512])
        #expect(table.entry(named: "conv_pw_13/bias") == nil)
        #expect(table.entry(named: "fmap_0_conv/kernel")?.shape == [1, 1, 128, 32])
        #expect(table.entry(named: "fmap_0_conv/bias")?.shape == [32])
        #expect(table.entry(named: "extra_1_dw/depthwise_kernel")?.shape == [3, 3, 512, 1])
        #expect(table.entry(named: "extra_2_pw/kernel")?.shape == [1, 1, 256, 256])
        #expect(table.entry(named: "fmap_4_conv/kernel")?.shape == [1, 1, 256, 32])
        #expect(table.entry(named: "cls_pred_4/kernel")?.shape == [3, 3, 32, 15])
        #expect(table.entry(named: "bbox_pred_0_bn/moving_variance")?.shape == [20])
        #expect(table.entry(named: "fmap_5_conv/kernel") == nil)

        // Trainable tensors tile the trainable buffer, moving statistics the state buffer, in table order.
        var trainable = 0, state = 0
        for entry in table.entries {
            if entry.role.isTrainable {
                #expect(entry.offset == trainable)
                trainable += entry.count
            } else {
                #expect(entry.offset == state)
                state += entry.count
            }
        }
        #expect(trainable == network.parameters.count && state == network.movingStatistics.count)

        // And it runs: a training step on one image gives finite outputs and gradients.
        let count = 192 * 192 * 3
        let image: [Float] = (0..<count).map { index in Float(index % 255) / 127.5 - 1 }
        try image.withUnsafeBufferPointer { try network.forward(images: $0, batch: 1, training: true) }
        #expect(network.classLogits.count == 3830 * 3 && network.classLogits.allSatisfy(\.isFinite))
        let classGradient = [Float](repeating: 1e-3, count: 3830 * 3), boxGradient = [Float](repeating: 1e-3, count: 3830 * 4)
        try classGradient.withUnsafeBufferPointer { classes in
            try boxGradient.withUnsafeBufferPointer { try network.backward(classLogitGradients: classes, boxOffsetGradients: $0) }
        }
        #expect(network.gradients.allSatisfy(\.isFinite) && network.gradients.contains { $0 != 0 })
    }

    @Test func sixMapsAndOneByOneHeadsAt256() throws {
        let table = SSDNetwork(architecture: try SSDArchitecture(inputSize: 256, classCount: 1), maxBatch: 1, threads: 1,
                               seed: 1).parameterTable
        #expect(table.entry(named: "cls_pred_5/kernel")?.shape == [1, 1, 32, 10])
        #expect(table.entry(named: "bbox_pred_4/kernel")?.shape == [3, 3, 32, 20])
        #expect(table.entry(named: "extra_4_pw_bn/gamma")?.shape == [256])
    }

    /// Keras initial values: kernels drawn (glorot-uniform within its limit, he-normal within two
    /// deviations), gamma and moving variance 1, the rest 0; the same seed gives the same values.
    @Test func initialValues() throws {
        let architecture = try SSDArchitecture(inputSize: 192, classCount: 1)
        let network = SSDNetwork(architecture: architecture, maxBatch: 1, threads: 1, seed: 9)
        let again = SSDNetwork(architecture: architecture, maxBatch: 1, threads: 1, seed: 9)
        let other = SSDNetwork(architecture: architecture, maxBatch: 1, threads: 1, seed: 10)
        #expect(Array(network.parameters) == Array(again.parameters))
        #expect(Array(network.parameters) != Array(other.parameters))
        let table = network.parameterTable
        let conv1 = try #require(table.entry(named: "conv1/kernel"))
        let limit = Float((6.0 / (27.0 + 72.0)).squareRoot())
        let values = network.parameters[conv1.offset..<conv1.offset + conv1.count]
        #expect(values.allSatisfy { abs($0) <= limit } && values.contains { abs($0) > limit / 2 })
        let head = try #require(table.entry(named: "cls_pred_0/kernel"))
        let deviation = Float((2.0 / 288.0).squareRoot() / 0.879_625_661)
        let headValues = network.parameters[head.offset..<head.offset + head.count]
        #expect(headValues.allSatisfy { abs($0) <= 2 * deviation } && headValues.contains { abs($0) > deviation })
        for entry in table.entries where entry.role != .kernel {
            let base = entry.role.isTrainable ? network.parameters.baseAddress! : network.movingStatistics.baseAddress!
            let expected: Float = entry.role == .batchNormGamma || entry.role == .movingVariance ? 1 : 0
            #expect((0..<entry.count).allSatisfy { base[entry.offset + $0] == expected }, "\(entry.name)")
        }
    }

    @Test func rejectsBadBatches() throws {
        let network = SSDNetwork(architecture: try SSDArchitecture(inputSize: 192, classCount: 1), maxBatch: 2, threads: 2,
                                 seed: 1)
        let image = [Float](repeating: 0, count: 192 * 192 * 3)
        #expect(throws: SSDNetwork.Error.batchOutOfRange(batch: 3, maxBatch: 2)) {
            try image.withUnsafeBufferPointer { try network.forward(images: $0, batch: 3, training: false) }
        }
        #expect(throws: SSDNetwork.Error.imageCountMismatch(expected: 2 * 192 * 192 * 3, actual: 192 * 192 * 3)) {
            try image.withUnsafeBufferPointer { try network.forward(images: $0, batch: 2, training: true) }
        }
        try image.withUnsafeBufferPointer { try network.forward(images: $0, batch: 1, training: false) }
        let empty: [Float] = []
        #expect(throws: SSDNetwork.Error.noTrainingForward) {
            try empty.withUnsafeBufferPointer { try network.backward(classLogitGradients: $0, boxOffsetGradients: $0) }
        }
        try image.withUnsafeBufferPointer { try network.forward(images: $0, batch: 1, training: true) }
        #expect(network.classLogits.count == 3830 * 2 && network.boxOffsets.count == 3830 * 4)
        #expect(throws: SSDNetwork.Error.gradientCountMismatch(name: "classLogitGradients", expected: 3830 * 2, actual: 0)) {
            try empty.withUnsafeBufferPointer { try network.backward(classLogitGradients: $0, boxOffsetGradients: $0) }
        }
    }
}
