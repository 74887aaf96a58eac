import Detection
import Foundation
import TestSupport
import Testing
@testable import Training

/// The network built from the architecture alone, given the reference int8 model's weights
/// (batch norm folded into them, so ours is made the identity), must compute what that model
/// computes, up to its int8 rounding. This checks the structure the parameter count cannot:
/// paddings, strides, taps, top-down merges, upsampling convention, head order, anchor order.
@Suite struct NetworkReferenceModelTests {
    @Test(arguments: Fixtures.modelSizes)
    func floatNetworkComputesTheReferenceModel(size: Int) throws {
        guard try Fixtures.modelBytes(size: size) != nil,
              let input = try Fixtures.bytes(Fixtures.goldenDirectory(size: size).appendingPathComponent("image_astronaut.input.u8")),
              let golden = try Fixtures.bytes(Fixtures.goldenDirectory(size: size).appendingPathComponent("image_astronaut.output.f32"))
        else { return }
        let architecture = try SSDArchitecture(inputSize: size, classCount: 1)
        let network = SSDNetwork(architecture: architecture, maxBatch: 2, threads: 2, seed: 3)
        // Throws unless every convolution of the file and of the network finds its counterpart.
        let weights = try TFLiteWeights(contentsOf: Fixtures.modelURL(size: size).path)
        #expect(weights.architecture == architecture)
        try weights.load(into: network)

        // The model's uint8 input means (q - 127) / 127.5; a second image checks per-image output placement.
        let image = input.map { (Float($0) - 127) / 127.5 }
        let images = image + image.reversed()
        try images.withUnsafeBufferPointer { try network.forward(images: $0, batch: 2, training: false) }
        let expected: [Float] = stride(from: 0, to: golden.count, by: 4).map { i in
            Float(bitPattern: UInt32(golden[i]) | UInt32(golden[i + 1]) << 8 | UInt32(golden[i + 2]) << 16 | UInt32(golden[i + 3]) << 24)
        }
        let anchors = architecture.anchorCount, logits = network.classLogits, boxes = network.boxOffsets
        var scoreError = 0.0, worstScore = 0.0, boxError = 0.0, worstBox = 0.0
        for anchor in 0..<anchors {
            let background = Double(logits[2 * anchor]), person = Double(logits[2 * anchor + 1])
            let score = 1 / (1 + exp(background - person))
            let difference = abs(score - Double(expected[anchor * 10 + 1]))
            scoreError += difference
            worstScore = max(worstScore, difference)
            for k in 0..<4 {
                let boxDifference = abs(Double(boxes[anchor * 4 + k]) - Double(expected[anchor * 10 + 2 + k]))
                boxError += boxDifference
                worstBox = max(worstBox, boxDifference)
            }
        }
        // Measured: scores within 0.003 on average and 0.04 at worst, boxes within 0.007 and 0.057; a
        // pad on the wrong side or corner-aligned upsampling at least doubles one of these.
        #expect(scoreError / Double(anchors) < 0.004 && worstScore < 0.06, "score error \(scoreError / Double(anchors)), \(worstScore)")
        #expect(boxError / Double(4 * anchors) < 0.012 && worstBox < 0.08, "box error \(boxError / Double(4 * anchors)), \(worstBox)")

        // The second image of the batch must come out as it does alone, in its own rows.
        let firstLogits = Array(logits), firstBoxes = Array(boxes)
        let second = Array(image.reversed())
        try second.withUnsafeBufferPointer { try network.forward(images: $0, batch: 1, training: false) }
        EngineKernelTests.expectClose(Array(firstLogits[(2 * anchors)...]), Array(network.classLogits), tolerance: 1e-5)
        EngineKernelTests.expectClose(Array(firstBoxes[(4 * anchors)...]), Array(network.boxOffsets), tolerance: 1e-5)
    }
}
