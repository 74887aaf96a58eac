import Foundation
import Testing
import Runtime
import TFLiteFormat
import TestSupport

/// Every operator configuration of `OperatorCase.all` against outputs LiteRT 2.3.0 computed for the
/// same model and inputs (Resources/operator-cases.json, made by scripts/regenerate-operator-cases.sh).
@Suite struct OperatorCaseTests {
    struct Recorded: Decodable {
        struct Output: Decodable {
            var dtype: String
            var shape: [Int]
            var data: String
        }
        var model: String
        var inputs: [String]
        var outputs: [Output]
    }

    struct Recording: Decodable {
        var litert: String
        var cases: [String: Recorded]
    }

    static let recording: Recording? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Resources/operator-cases.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Recording.self, from: data)
    }()

    static func hex(_ value: UInt64) -> String { String(value, radix: 16) }

    @Test(arguments: OperatorCase.all.map(\.name))
    func matchesLiteRT(name: String) throws {
        let testCase = try #require(OperatorCase.all.first { $0.name == name })
        let modelBytes = testCase.model.serialized()
        if let directory = ProcessInfo.processInfo.environment["TINYSSD_EXPORT_OPERATOR_CASES"] {
            try export(testCase, modelBytes: modelBytes, to: URL(fileURLWithPath: directory))
        }
        let recording = try #require(Self.recording, "Resources/operator-cases.json is missing or unreadable")
        let recorded = try #require(recording.cases[name], "no LiteRT output recorded for \(name): run scripts/regenerate-operator-cases.sh")
        #expect(recorded.model == Self.hex(fnv1a64(modelBytes)) && recorded.inputs == testCase.inputs.map { Self.hex(fnv1a64($0)) },
                "case \(name) no longer builds the recorded model or inputs: run scripts/regenerate-operator-cases.sh")

        let interpreter = try Interpreter(model: TFLiteModel(bytes: modelBytes))
        for (i, input) in testCase.inputs.enumerated() { try interpreter.setInput(input, index: i) }
        interpreter.invoke()
        #expect(interpreter.outputs.count == recorded.outputs.count)
        for (i, expected) in recorded.outputs.enumerated() where i < interpreter.outputs.count {
            let ours = Array(interpreter.output(i))
            let theirs = [UInt8](try #require(Data(base64Encoded: expected.data)))
            #expect(interpreter.outputs[i].shape == expected.shape, "\(name) output \(i) shape")
            #expect(interpreter.outputs[i].type.description == expected.dtype, "\(name) output \(i) type")
            if let tolerance = testCase.floatTolerance {
                let a = floats(ours), b = floats(theirs)
                #expect(a.count == b.count)
                let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
                #expect(worst <= tolerance, "\(name) output \(i): largest relative difference \(worst)")
            } else {
                let differing = zip(ours, theirs).filter { $0 != $1 }.count + abs(ours.count - theirs.count)
                #expect(differing == 0, "\(name) output \(i): \(differing) of \(theirs.count) bytes differ from LiteRT")
            }
        }
    }

    private func floats(_ bytes: [UInt8]) -> [Float] {
        stride(from: 0, to: bytes.count - 3, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }

    private func export(_ testCase: OperatorCase, modelBytes: [UInt8], to directory: URL) throws {
        let folder = directory.appendingPathComponent(testCase.name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(modelBytes).write(to: folder.appendingPathComponent("model.tflite"))
        for (i, input) in testCase.inputs.enumerated() {
            try Data(input).write(to: folder.appendingPathComponent("input\(i).bin"))
        }
        let hashes = "{\"model\": \"\(Self.hex(fnv1a64(modelBytes)))\", \"inputs\": [\(testCase.inputs.map { "\"\(Self.hex(fnv1a64($0)))\"" }.joined(separator: ", "))]}"
        try Data(hashes.utf8).write(to: folder.appendingPathComponent("hashes.json"))
    }
}
