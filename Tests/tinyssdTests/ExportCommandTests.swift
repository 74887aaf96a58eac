import Detection
import Foundation
import Testing
import TFLiteFormat
import Training
@testable import tinyssd

/// `tinyssd export`: a checkpoint becomes a float .tflite; bad inputs and outputs give errors
/// naming the file and leave nothing behind.
@Suite struct ExportCommandTests {
    private let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-export-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    private func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    private func checkpoint() throws -> String {
        let network = SSDNetwork(architecture: try SSDArchitecture(inputSize: 192, classCount: 2), maxBatch: 1, threads: 1, seed: 7)
        let file = path("best.safetensors")
        try Checkpoint(network: network, classNames: ["a", "b"], rescaling: PixelRescaling(), epoch: 1).write(to: file)
        return file
    }

    /// The error `export` throws, after checking it left no file in the folder but `keep`.
    private func failure(_ arguments: [String], keep: Set<String>) throws -> String {
        var message = ""
        do {
            try Export.parse(arguments).run()
            Issue.record("export \(arguments) succeeded")
        } catch {
            message = "\(error)"
        }
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(left == keep, "files left: \(left.subtracting(keep))")
        return message
    }

    @Test func checkpointExportsToAFloatModel() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try checkpoint()
        try Export.parse([source]).run()
        let model = try TFLiteModel(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path("best_float.tflite")))))
        #expect(model.subgraphs[0].operators.count == 149)
        #expect(model.subgraphs[0].tensors[Int(model.subgraphs[0].outputs[0])].shape == [1, 3830, 11])
        // A float file is not an int8 SSD: exporting it again says so, naming it.
        let message = try failure([path("best_float.tflite"), "--out", path("again.tflite")],
                                  keep: ["best.safetensors", "best_float.tflite"])
        #expect(message.contains("best_float.tflite") && message.contains("already a float model"))
    }

    @Test func missingAndGarbageFilesAreNamed() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try failure([path("absent.tflite"), "--out", path("out.tflite")], keep: [])
        #expect(missing.contains("absent.tflite"))
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: URL(fileURLWithPath: path("garbage.tflite")))
        let garbage = try failure([path("garbage.tflite"), "--out", path("out.tflite")], keep: ["garbage.tflite"])
        #expect(garbage.contains("garbage.tflite") && garbage.contains("not a .tflite model"))
        try Data("not a checkpoint".utf8).write(to: URL(fileURLWithPath: path("garbage.safetensors")))
        let checkpoint = try failure([path("garbage.safetensors"), "--out", path("out.tflite")],
                                     keep: ["garbage.tflite", "garbage.safetensors"])
        #expect(checkpoint.contains("garbage.safetensors"))
    }

    @Test func unwritableOutputLeavesNoFile() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try checkpoint()
        // A folder where the file should go (the rename fails), and a path under a regular file.
        try FileManager.default.createDirectory(atPath: path("taken.tflite"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: path("taken.tflite/inside"), withIntermediateDirectories: false)
        let onFolder = try failure([source, "--out", path("taken.tflite")], keep: ["best.safetensors", "taken.tflite"])
        #expect(onFolder.contains("cannot write") && onFolder.contains("taken.tflite"))
        let underFile = try failure([source, "--out", path("best.safetensors/model.tflite")], keep: ["best.safetensors", "taken.tflite"])
        #expect(underFile.contains("cannot write") && underFile.contains("best.safetensors/model.tflite"))
        #expect(throws: (any Error).self) { try Export.parse([source, "--out", source]).validate() }
    }
}
