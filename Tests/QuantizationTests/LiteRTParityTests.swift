import Foundation
import Testing
import Quantization
import Runtime
import TFLiteFormat
import TestSupport

/// Every kind of `.tflite` TinySSD writes (float export; int8 per channel and per tensor; uint8,
/// int8 and float input; float, int8 and uint8 output; separate output scales) loads in LiteRT
/// (builtin kernels), and our runtime gives LiteRT's outputs: byte for byte for int8 models,
/// within 1e-5 relative for the float one. The models are made here from the checkpoint and
/// synthetic calibration images; `scripts/regenerate-quantization-cases.sh` records LiteRT's outputs.
@Suite(.serialized) struct LiteRTParityTests {
    struct Variant: Sendable, CustomStringConvertible {
        var name: String
        /// nil: the float export itself.
        var options: QuantizationOptions?
        var description: String { name }
    }

    static let variants: [Variant] = [
        Variant(name: "float-export", options: nil),
        Variant(name: "int8-per-channel-uint8-in-float-out", options: QuantizationOptions()),
        Variant(name: "int8-per-tensor", options: QuantizationOptions(granularity: .perTensor)),
        Variant(name: "int8-in", options: QuantizationOptions(inputType: .int8)),
        Variant(name: "float-in", options: QuantizationOptions(inputType: .float)),
        Variant(name: "int8-out", options: QuantizationOptions(outputType: .int8)),
        Variant(name: "uint8-out", options: QuantizationOptions(outputType: .uint8)),
        Variant(name: "separate-output-scales", options: QuantizationOptions(separateOutputScales: true)),
    ]

    struct Recording: Decodable {
        struct Output: Decodable {
            var dtype: String
            var shape: [Int]
            var data: String
        }
        struct Case: Decodable {
            var model: String
            var inputs: [String]
            var outputs: [Output]
        }
        var cases: [String: Case]
    }

    static let recording: Recording? = {
        let url = QuantizationFixtures.resources.appendingPathComponent("litert-quantized-cases.json")
        return (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode(Recording.self, from: $0) }
    }()

    /// The float export and the calibration ranges, made once.
    nonisolated(unsafe) static let prepared: Result<(FloatModel, [Int: ValueRange], [UInt8]), Error> = Result {
        let float = try FloatModel.load(path: QuantizationFixtures.checkpoint)
        let shapes = try QuantizationFixtures.shapes(train: 20, val: 1)
        let images = CalibrationImages(paths: try CalibrationImages.files(in: shapes.appendingPathComponent("train").path), side: 192)
        let outcome = try PostTrainingQuantization(threads: 2).run(float.model, images: images)
        // The first validation image, as `evaluate` encodes it for a uint8 input (scale 1/127.5, zero point 127).
        let validation = CalibrationImages(paths: try CalibrationImages.files(in: shapes.appendingPathComponent("val").path), side: 192)
        var floats = [Float](repeating: 0, count: 192 * 192 * 3)
        _ = floats.withUnsafeMutableBytes { validation.fill(0, into: $0) }
        let pixels = floats.map { UInt8(min(max(($0 * 127.5 + 127).rounded(.toNearestOrEven), 0), 255)) }
        return (float, outcome.ranges, pixels)
    }

    @Test(arguments: variants)
    func liteRTComputesWhatWeCompute(variant: Variant) throws {
        let (float, ranges, pixels) = try Self.prepared.get()
        let model = try variant.options.map { try GraphQuantizer(options: $0).quantize(float.model, ranges: ranges).model } ?? float.model
        let bytes = model.serialized()
        let interpreter = try Interpreter(model: TFLiteModel(bytes: bytes))
        let input: [UInt8]
        switch interpreter.inputs[0].type {
        case .uint8: input = pixels
        case .int8: input = pixels.map { $0 ^ 0x80 }
        default: input = pixels.flatMap { p in withUnsafeBytes(of: Float(Double(p) / 127.5 - 1).bitPattern.littleEndian, Array.init) }
        }
        if let directory = ProcessInfo.processInfo.environment["TINYSSD_EXPORT_QUANTIZATION_CASES"] {
            let folder = URL(fileURLWithPath: directory).appendingPathComponent(variant.name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(bytes).write(to: folder.appendingPathComponent("model.tflite"))
            try Data(input).write(to: folder.appendingPathComponent("input0.bin"))
            let hashes = ["model": hex(fnv1a64(bytes)), "inputs": [hex(fnv1a64(input))]] as [String: Any]
            try JSONSerialization.data(withJSONObject: hashes).write(to: folder.appendingPathComponent("hashes.json"))
        }
        let recording = try #require(Self.recording, "Resources/litert-quantized-cases.json is missing: run scripts/regenerate-quantization-cases.sh")
        let recorded = try #require(recording.cases[variant.name], "no LiteRT output for \(variant.name): run scripts/regenerate-quantization-cases.sh")
        #expect(recorded.model == hex(fnv1a64(bytes)) && recorded.inputs == [hex(fnv1a64(input))],
                "\(variant.name) no longer builds the recorded model or input: run scripts/regenerate-quantization-cases.sh")

        try interpreter.setInput(input)
        interpreter.invoke()
        let ours = Array(interpreter.output())
        let recordedOutput = try #require(recorded.outputs.first)
        let theirs = [UInt8](try #require(Data(base64Encoded: recordedOutput.data)))
        #expect(interpreter.outputs[0].shape == recorded.outputs[0].shape)
        if variant.options == nil {
            let a = floatValues(ours), b = floatValues(theirs)
            #expect(a.count == b.count)
            let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(worst <= 1e-5, "float export: largest relative difference from LiteRT \(worst)")
        } else {
            let differing = zip(ours, theirs).count { $0 != $1 }
            #expect(ours.count == theirs.count && differing == 0, "\(variant.name): \(differing) of \(theirs.count) output bytes differ from LiteRT's")
        }
    }
}

private func hex(_ value: UInt64) -> String { String(value, radix: 16) }

private func floatValues(_ bytes: [UInt8]) -> [Float] {
    stride(from: 0, to: bytes.count - 3, by: 4).map {
        Float(bitPattern: UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24)
    }
}
