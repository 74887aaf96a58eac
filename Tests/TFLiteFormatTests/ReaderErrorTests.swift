import Foundation
import Testing
import TestSupport
import TFLiteFormat

/// The reader's typed errors for files that are not, or no longer, valid `.tflite` models.
@Suite struct ReaderErrorTests {
    /// A small valid model: one RESHAPE with a constant shape input, so it has every kind of
    /// root field the reader decodes (operator codes, a subgraph with tensors and operators, buffers).
    static let smallModel = TFLiteModel(
        operatorCodes: [OperatorCode(builtinCode: .reshape)],
        subgraphs: [Subgraph(
            tensors: [
                Tensor(name: "input", shape: [1, 4], type: .int8,
                       quantization: QuantizationParameters(scale: [0.5], zeroPoint: [0])),
                Tensor(name: "shape", shape: [1], type: .int32, buffer: 1),
                Tensor(name: "output", shape: [4], type: .int8,
                       quantization: QuantizationParameters(scale: [0.5], zeroPoint: [0])),
            ],
            inputs: [0], outputs: [2],
            operators: [Operator(opcodeIndex: 0, inputs: [0, 1], outputs: [2], options: .reshape(newShape: [4]))])],
        buffers: [Buffer(), Buffer(data: [4, 0, 0, 0])])

    @Test func emptyFileIsTooSmall() {
        #expect(throws: TFLiteFormatError.fileTooSmall(size: 0)) { try TFLiteModel(bytes: []) }
        #expect(throws: TFLiteFormatError.fileTooSmall(size: 7)) { try TFLiteModel(bytes: [UInt8](repeating: 0, count: 7)) }
    }

    @Test func wrongIdentifierIsNotATFLiteFile() throws {
        var bytes = Self.smallModel.serialized()
        #expect(try TFLiteModel(bytes: bytes) == Self.smallModel)
        bytes.replaceSubrange(4..<8, with: Array("ABCD".utf8))
        #expect(throws: TFLiteFormatError.notATFLiteFile(identifier: "ABCD")) { try TFLiteModel(bytes: bytes) }
    }

    /// Truncating a file anywhere after its header leaves some offset or vector pointing past the
    /// end; the error names the schema path of the field that does.
    @Test func truncatedModelIsOutOfBoundsWithFieldPath() throws {
        let bytes = Self.smallModel.serialized()
        for length in [bytes.count / 2, bytes.count - 1] {
            let field = try #require(outOfBoundsField(Array(bytes.prefix(length))), "truncated to \(length) of \(bytes.count) bytes")
            #expect(["operator_codes", "subgraphs", "buffers"].contains { field.hasPrefix($0) }, "field \"\(field)\"")
        }
    }

    @Test(arguments: Fixtures.modelSizes)
    func truncatedReferenceModelIsOutOfBoundsWithFieldPath(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let field = try #require(outOfBoundsField(Array(bytes.prefix(bytes.count / 2))))
        #expect(["operator_codes", "subgraphs", "buffers"].contains { field.hasPrefix($0) }, "field \"\(field)\"")
    }

    /// Offsets and lengths in an error come from the file; describing them must not overflow.
    @Test func outOfBoundsDescriptionSurvivesHugeValues() {
        let error = TFLiteFormatError.outOfBounds(field: "buffers[3].offset", offset: Int.max, length: 16, fileSize: 100)
        #expect(error.description.contains("buffers[3].offset"))
        #expect(error.description.contains("16 bytes from byte \(Int.max)"))
        let plain = TFLiteFormatError.outOfBounds(field: "subgraphs[0].tensors", offset: 96, length: 8, fileSize: 100)
        #expect(plain.description.contains("bytes 96..<104"))
    }

    /// The `field` of the `.outOfBounds` error decoding `bytes` throws, or nil (with an issue
    /// recorded) when decoding succeeds or throws anything else.
    private func outOfBoundsField(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        do {
            _ = try TFLiteModel(bytes: bytes)
            Issue.record("a model truncated to \(bytes.count) bytes decoded without error", sourceLocation: sourceLocation)
        } catch .outOfBounds(let field, _, _, _) {
            #expect(!field.isEmpty, "outOfBounds error without a field path", sourceLocation: sourceLocation)
            return field
        } catch {
            Issue.record("expected .outOfBounds, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }
}
