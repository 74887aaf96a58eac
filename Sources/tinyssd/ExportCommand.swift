import ArgumentParser
import Detection
import Foundation
import Quantization
import TFLiteFormat
import Training

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the float32 .tflite of a training checkpoint or of an int8 model.",
        discussion: """
            MODEL is a checkpoint written by `tinyssd train` (.safetensors), whose batch \
            normalization is folded into each convolution, or an int8 .tflite of the model zoo's \
            SSD, whose constants are dequantized. Either way the file has the graph of the zoo's \
            int8 models without their QUANTIZE and DEQUANTIZE operators: float32 input \
            [1, S, S, 3] already rescaled to [-1, 1] (x / 127.5 - 1), float32 output \
            [1, anchors, classes + 9] holding softmax scores, box offsets and anchor corners. \
            LiteRT, `tinyssd run` and `tinyssd inspect` read it.

            The model is written to a temporary file beside --out and renamed, so a failed export \
            leaves no partial file.

            Examples:
              tinyssd export runs/a/checkpoints/best.safetensors --out a_float.tflite
              tinyssd export ssd_192_int8.tflite --json
            """)

    @Argument(help: ArgumentHelp("A training checkpoint (.safetensors) or an int8 .tflite of the model zoo's SSD.",
                                 valueName: "model"))
    var model: String

    @Option(help: ArgumentHelp("Where to write the float32 .tflite (default: MODEL's name ending in _float.tflite).",
                               valueName: "file"))
    var out: String?

    @Flag(help: "Print a JSON summary (path, architecture, operators, bytes) on stdout.")
    var json = false

    struct Summary: Encodable {
        var path: String
        var source: String
        var architecture: SSDArchitecture
        var operators: Int
        var tensors: Int
        var bytes: Int
    }

    /// `MODEL` with its extension replaced by `_float.tflite`.
    var destination: String {
        if let out { return out }
        return ((model as NSString).deletingPathExtension as String) + "_float.tflite"
    }

    func validate() throws {
        let resolve = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.path }
        guard resolve(destination) != resolve(model) else {
            throw ValidationError("--out \(destination) is the model itself; give another path")
        }
    }

    func run() throws {
        let (float, architecture, source) = try exported()
        let bytes = float.serialized()
        try writeFile(destination, bytes)
        let summary = Summary(path: destination, source: source, architecture: architecture,
                              operators: float.subgraphs.first?.operators.count ?? 0,
                              tensors: float.subgraphs.first?.tensors.count ?? 0, bytes: bytes.count)
        if json {
            print(try jsonText(summary))
        } else {
            print("wrote \(destination): float32 SSD-MobileNet-v1 \(architecture.summary), \(summary.operators) operators, "
                + "\(grouped(bytes.count)) bytes (\(source))")
        }
    }

    /// The float model, its architecture and what it was made from.
    private func exported() throws -> (TFLiteModel, SSDArchitecture, String) {
        let float = try FloatModel.load(path: model)
        guard let architecture = float.architecture else {
            throw FileError.invalidModel(path: model, reason: "it is already a float model; export takes a checkpoint or an int8 .tflite")
        }
        return (float.model, architecture, float.source.rawValue)
    }
}
