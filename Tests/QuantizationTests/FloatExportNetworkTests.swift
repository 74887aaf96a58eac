import Detection
import Foundation
import Testing
import Quantization
import Runtime
import TFLiteFormat
import TestSupport
import Training

/// The exported graph computes what the network's own inference forward computes (softmax of
/// the class logits, box offsets, anchors) for batch norm with non-trivial statistics.
@Suite struct FloatExportNetworkTests {
    /// A freshly initialised network with random batch-norm statistics and SSD biases.
    static func network(size: Int, classes: Int = 1, seed: UInt64) throws -> SSDNetwork {
        let network = SSDNetwork(architecture: try SSDArchitecture(inputSize: size, classCount: classes), maxBatch: 1,
                                 threads: 1, seed: seed)
        var random = DeterministicRandom(seed: seed)
        func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * random.unitFloat() }
        for entry in network.parameterTable.entries {
            let range: (Float, Float)
            switch entry.role {
            case .kernel: continue
            case .bias: range = (-0.1, 0.1)
            case .batchNormGamma: range = (0.5, 1.5)
            case .batchNormBeta, .movingMean: range = (-0.3, 0.3)
            case .movingVariance: range = (0.3, 2)
            }
            let target = entry.role.isTrainable ? network.parameters : network.movingStatistics
            for i in entry.offset..<(entry.offset + entry.count) { target[i] = uniform(range.0, range.1) }
        }
        return network
    }

    /// Softmax scores, box offsets and anchor corners of the network's last forward pass, as rows.
    static func rows(_ network: SSDNetwork) -> [Float] {
        let architecture = network.architecture, classes = network.classesPerAnchor, columns = architecture.outputColumns
        var scores = [Float](repeating: 0, count: network.classLogits.count)
        scores.withUnsafeMutableBufferPointer { ClassSoftmax.scores(classLogits: network.classLogits, modelClassCount: classes, into: $0) }
        var rows = [Float](repeating: 0, count: architecture.anchorCount * columns)
        for (anchor, box) in architecture.anchorBoxes.enumerated() {
            let row = anchor * columns
            for c in 0..<classes { rows[row + c] = scores[anchor * classes + c] }
            for k in 0..<4 { rows[row + classes + k] = network.boxOffsets[anchor * 4 + k] }
            (rows[row + classes + 4], rows[row + classes + 5], rows[row + classes + 6], rows[row + classes + 7]) = (box.x0, box.y0, box.x1, box.y1)
        }
        return rows
    }

    @Test(arguments: Fixtures.modelSizes)
    func exportComputesTheNetworksInference(size: Int) throws {
        let network = try Self.network(size: size, classes: size == 224 ? 3 : 1, seed: UInt64(size))
        let export = try FloatModelExport(network: network)
        let interpreter = try Interpreter(model: TFLiteModel(bytes: export.model.serialized()))
        for photo in FloatExportReferenceTests.photos {
            let url = Fixtures.goldenDirectory(size: size).appendingPathComponent("\(photo).resized_rgb.u8")
            guard let pixels = try Fixtures.bytes(url) else { return }
            let input = pixels.map { Float(Double($0) / 127.5 - 1) }
            try input.withUnsafeBufferPointer { try network.forward(images: $0, batch: 1, training: false) }
            let expected = Self.rows(network)
            let actual = try floatOutput(interpreter, input: input)
            let difference = largestRelativeDifference(actual, expected)
            #expect(difference.value <= 1e-5, "\(size) \(photo): differs by \(difference.value) at \(difference.index)")
            print("float export of a random network \(size) \(photo): within \(difference.value) relative of its forward pass")
        }
    }

    @Test func exportHasTheReferenceOperatorCounts() throws {
        // 152 operators in the 192 reference, 179 in 224 and 256, less their two QUANTIZEs and DEQUANTIZE.
        for (size, count) in [(192, 149), (224, 176)] {
            let export = try FloatModelExport(network: try Self.network(size: size, seed: 2))
            #expect(export.model.subgraphs[0].operators.count == count)
            #expect(export.model.subgraphs[0].tensors.allSatisfy { $0.type == .float32 || $0.type == .int32 })
            #expect(!export.model.operatorCodes.contains { $0.builtinCode == .quantize || $0.builtinCode == .dequantize })
        }
    }
}
