import Foundation
import Testing
import Quantization
import Runtime
import TFLiteFormat
import TestSupport
import Training

/// For each reference model: its float twin runs, and the float network initialised from the
/// file (as `train --init` does) exports to the same graph computing the same output.
@Suite struct FloatExportReferenceTests {
    static let photos = ["image_astronaut", "image_grace_hopper", "image_neg_coffee", "image_pair"]

    @Test(arguments: Fixtures.modelSizes)
    func exportOfTheReferenceWeightsIsTheFloatTwin(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let twin = try FloatTwin(quantized: TFLiteModel(bytes: bytes))
        let network = try CheckpointDetector(tflite: Fixtures.modelURL(size: size).path).network
        let export = try FloatModelExport(network: network)
        #expect(export.architecture == twin.architecture)
        let exported = try TFLiteModel(bytes: export.model.serialized())
        let twinModel = try TFLiteModel(bytes: twin.model.serialized())
        let differences = structuralDifferences(exported, twinModel)
        #expect(differences.isEmpty, "\(size): \(differences.joined(separator: "\n"))")
        #expect(exported.operatorCodes == twinModel.operatorCodes)
        #expect(exported.subgraphs[0].tensors.count == twinModel.subgraphs[0].tensors.count)

        let exportRun = try Interpreter(model: exported), twinRun = try Interpreter(model: twinModel)
        for photo in Self.photos {
            let url = Fixtures.goldenDirectory(size: size).appendingPathComponent("\(photo).input.u8")
            guard let quantized = try Fixtures.bytes(url) else { return }
            let input = twin.floatInput(fromQuantized: quantized)
            let a = try floatOutput(exportRun, input: input), b = try floatOutput(twinRun, input: input)
            let columns = twin.architecture.outputColumns, anchorsStart = columns - 4
            let scoresAndOffsets = largestRelativeDifference(a, b, columns: 0..<anchorsStart, width: columns)
            #expect(scoresAndOffsets.value <= 1e-5, "\(size) \(photo): scores/offsets differ by \(scoresAndOffsets.value) at \(scoresAndOffsets.index)")
            // The twin's anchors are the int8 file's, in steps of its output scale (0.0097): the
            // converter's float anchors, rounded, lie within one step of ours (0.0048-0.0059 here).
            let anchors = largestRelativeDifference(a, b, columns: anchorsStart..<columns, width: columns)
            #expect(anchors.value <= 0.0097, "\(size) \(photo): anchors differ by \(anchors.value)")
            print("float export \(size) \(photo): scores/offsets within \(scoresAndOffsets.value) relative, anchors within \(anchors.value)")
        }
    }
}
