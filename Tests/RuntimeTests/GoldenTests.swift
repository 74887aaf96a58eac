import Foundation
import Testing
import TestSupport
import Runtime
import TFLiteFormat

/// The reference models against LiteRT 2.3.0's outputs (builtin kernels, XNNPACK off) in
/// ../shared/fixtures/golden: every case byte for byte, and every tensor of the astronaut run.
@Suite struct GoldenTests {
    struct Manifest: Decodable {
        struct Case: Decodable {
            var name: String
            var input: String
            var output: String
        }
        struct TensorEntry: Decodable {
            var index: Int
            var name: String
            var dtype: String
            var shape: [Int]
            var file: String
        }
        struct AllTensors: Decodable {
            var source_image: String
            var tensors: [TensorEntry]
        }
        var cases: [Case]
        var all_tensors: AllTensors
    }

    /// The prepared interpreter and manifest of one model, or nil when the fixtures are absent.
    static func load(size: Int, options: Interpreter.Options = Interpreter.Options()) throws -> (Interpreter, Manifest)? {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return nil }
        let manifestURL = Fixtures.goldenDirectory(size: size).appendingPathComponent("manifest.json")
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL))
        return (try Interpreter(model: TFLiteModel(bytes: bytes), options: options), manifest)
    }

    static func read(_ size: Int, _ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Fixtures.goldenDirectory(size: size).appendingPathComponent(file)))
    }

    /// Runs inside the planned arena (no other activation memory), with one thread and with three.
    @Test(arguments: Fixtures.modelSizes, [1, 3])
    func everyCaseMatchesByteForByte(size: Int, threads: Int) throws {
        guard let (interpreter, manifest) = try Self.load(size: size, options: Interpreter.Options(threads: threads)) else { return }
        #expect(manifest.cases.count == 7)
        for golden in manifest.cases {
            try interpreter.setInput(Self.read(size, golden.input))
            interpreter.invoke()
            let expected = try Self.read(size, golden.output)
            let ours = Array(interpreter.output())
            let differing = zip(ours, expected).filter { $0 != $1 }.count + abs(ours.count - expected.count)
            #expect(differing == 0, "\(size) \(golden.name), \(threads) threads: \(differing) of \(expected.count) output bytes differ")
        }
    }

    @Test(arguments: Fixtures.modelSizes)
    func everyTensorOfTheAstronautRunMatches(size: Int) throws {
        guard let (interpreter, manifest) = try Self.load(size: size, options: Interpreter.Options(preserveAllTensors: true)) else { return }
        let astronaut = try #require(manifest.cases.first { $0.name == "image_astronaut" })
        try interpreter.setInput(Self.read(size, astronaut.input))
        interpreter.invoke()
        // Indices past the model's tensors are LiteRT's own scratch buffers (im2col and the like).
        let modelTensors = manifest.all_tensors.tensors.filter { $0.index < interpreter.tensors.count }
        #expect(modelTensors.count == interpreter.tensors.count, "the dump should cover every tensor of the model")
        for entry in modelTensors {
            let tensor = interpreter.tensors[entry.index]
            #expect(tensor.shape == entry.shape, "tensor \(entry.index) '\(entry.name)' shape")
            #expect(tensor.type.description == entry.dtype, "tensor \(entry.index) '\(entry.name)' type")
            let ours = try #require(try interpreter.tensorData(entry.index), "tensor \(entry.index) '\(entry.name)' has no data")
            let expected = try Self.read(size, entry.file)
            let differing = zip(ours, expected).filter { $0 != $1 }.count + abs(ours.count - expected.count)
            #expect(differing == 0, "tensor \(entry.index) '\(entry.name)': \(differing) of \(expected.count) bytes differ")
        }
    }
}
