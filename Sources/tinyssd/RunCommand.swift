import ArgumentParser
import Foundation
import Runtime

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on a raw input tensor and write the raw output tensor.",
        discussion: """
            Tensors are raw little-endian bytes in the model's own types: for the SSD models the \
            input is uint8 [1, S, S, 3] and the output float32 [1, anchors, 10]. \
            --dump-tensors writes every tensor after the run as tNNN.<dtype> plus manifest.json, \
            the layout of `litert_oracle.py tensors`, so two dumps compare with `cmp`.
            """)

    @Argument(help: "The .tflite model.")
    var model: String

    @Option(help: ArgumentHelp("Raw input tensor file.", valueName: "file"))
    var input: String

    @Option(help: ArgumentHelp("Where to write the raw output tensor.", valueName: "file"))
    var output: String

    @Option(help: "Threads sharing each large operator (results do not depend on it).")
    var threads = 1

    @Option(name: .customLong("dump-tensors"),
            help: ArgumentHelp("Directory to write every tensor of the run into.", valueName: "dir"))
    var dumpDirectory: String?

    func run() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
        let interpreter = try loadInterpreter(model, options: Interpreter.Options(preserveAllTensors: dumpDirectory != nil, threads: threads))
        guard interpreter.inputs.count == 1, interpreter.outputs.count == 1 else {
            throw ValidationError("\(model) has \(interpreter.inputs.count) inputs and \(interpreter.outputs.count) outputs; run handles models with one of each")
        }
        let bytes = try readFile(input)
        let expected = interpreter.inputs[0]
        guard bytes.count == expected.byteCount else {
            throw ValidationError("\(input) has \(bytes.count) bytes; input '\(expected.name)' is \(expected.type) \(shapeText(expected.shape)), \(expected.byteCount) bytes")
        }
        try interpreter.setInput(bytes)
        interpreter.invoke()
        try writeFile(output, interpreter.output())
        if let dumpDirectory { try dumpTensors(interpreter, to: dumpDirectory) }
    }

    private struct DumpEntry: Encodable {
        var index: Int
        var name: String
        var dtype: String
        var shape: [Int]
        var file: String
        var scales: [Float]
        var zero_points: [Int32]
    }

    private struct DumpManifest: Encodable {
        var model: String
        var tensors: [DumpEntry]
    }

    private func dumpTensors(_ interpreter: Interpreter, to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileError.unwritable(path: directory, reason: (error as NSError).localizedDescription)
        }
        var entries: [DumpEntry] = []
        for tensor in interpreter.tensors {
            guard let data = try interpreter.tensorData(tensor.index), !data.isEmpty else { continue }
            let file = String(format: "t%03d.%@", tensor.index, tensor.type.description)
            try writeFile((directory as NSString).appendingPathComponent(file), data)
            entries.append(DumpEntry(index: tensor.index, name: tensor.name, dtype: tensor.type.description, shape: tensor.shape,
                                     file: file, scales: tensor.quantization?.scales ?? [],
                                     zero_points: tensor.quantization?.zeroPoints ?? []))
        }
        let manifest = DumpManifest(model: (model as NSString).lastPathComponent, tensors: entries)
        try writeFile((directory as NSString).appendingPathComponent("manifest.json"), Array(try jsonText(manifest).utf8))
    }
}
