import Foundation
import Testing
import Quantization
import TFLiteFormat
import TestSupport

/// Malformed or foreign files give a `FloatExportError` saying what is wrong, never a trap.
@Suite struct FloatTwinErrorTests {
    private func error(_ model: TFLiteModel) -> FloatExportError? {
        do {
            _ = try FloatTwin(quantized: model)
            return nil
        } catch {
            return error
        }
    }

    @Test func aFloatModelIsNotAQuantizedSSD() throws {
        let export = try FloatModelExport(network: try FloatExportNetworkTests.network(size: 192, seed: 3))
        guard case .notAnSSD(let reason) = error(export.model) else { Issue.record("expected notAnSSD"); return }
        #expect(reason.contains("serving_default_input_1:0"))
    }

    @Test func brokenReferenceFilesAreReported() throws {
        guard let bytes = try Fixtures.modelBytes(size: 192) else { return }
        let reference = try TFLiteModel(bytes: bytes)

        var noGraph = reference
        noGraph.subgraphs = []
        #expect(error(noGraph)?.description.contains("0 subgraphs") == true)

        var badCode = reference
        badCode.subgraphs[0].operators[5].opcodeIndex = 999
        #expect(error(badCode)?.description.contains("operator 5 has opcode index 999") == true)

        var badTensor = reference
        badTensor.subgraphs[0].operators[3].inputs[1] = 10_000
        #expect(error(badTensor)?.description.contains("tensor 10000") == true)

        var truncated = reference
        let filter = Int(reference.subgraphs[0].operators[1].inputs[1])
        let buffer = Int(reference.subgraphs[0].tensors[filter].buffer)
        truncated.buffers[buffer].data = truncated.buffers[buffer].data.dropLast()
        #expect(error(truncated)?.description.contains("holds 215 bytes") == true)

        var wrongScales = reference
        wrongScales.subgraphs[0].tensors[filter].quantization?.scale.append(1)
        #expect(error(wrongScales)?.description.contains("9 scales along dimension 0") == true)

        var int16 = reference
        int16.subgraphs[0].tensors[filter].type = .int16
        #expect(error(int16)?.description.contains("int16 with quantization has no float32 twin") == true)

        var otherRows = reference
        let output = Int(reference.subgraphs[0].outputs[0])
        for index in [output, output - 1] { otherRows.subgraphs[0].tensors[index].shape = [1, 3000, 10] }
        #expect(error(otherRows)?.description.contains("3000 rows") == true)
    }
}
