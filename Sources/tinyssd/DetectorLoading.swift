import ArgumentParser
import Detection
import Foundation
import Runtime
import Training

/// Options shared by `detect` and `evaluate`: the model, its class names and how to prepare images.
struct DetectorOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The .tflite model or a training checkpoint (.safetensors) (default: general.model_path of --config).", valueName: "file"))
    var model: String?

    @Option(help: ArgumentHelp("""
        A model zoo user_config.yaml: dataset paths and class_names, pre_processing (rescaling, \
        color_mode) and post_processing thresholds. Flags given on the command line win; relative \
        paths are taken from the file's folder.
        """, valueName: "file"))
    var config: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Class names in model order, background excluded, e.g. --classes person car (default: class0, class1, ...).",
        valueName: "name"))
    var classes: [String] = []

    @Flag(help: "Run a .tflite's weights dequantized through the float network (where train --init starts from).")
    var float = false

    @Option(help: "Threads sharing each large operator (results do not depend on it).")
    var threads = 1

    func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
    }

    func loadConfiguration() throws -> ModelZooConfiguration? {
        try config.map(ModelZooConfiguration.load)
    }

    /// The detector and its class names, from the flags and the configuration: an int8 `.tflite`
    /// through the interpreter, or a training checkpoint (`.safetensors`) through the float network.
    func loadDetector(_ configuration: ModelZooConfiguration?) throws -> (any ObjectDetector, [String]) {
        guard let path = model ?? configuration?.resolve(configuration?.general?.model_path) else {
            throw ValidationError("give the model with --model, or general.model_path in --config")
        }
        if path.lowercased().hasSuffix(".safetensors") {
            let detector = try CheckpointDetector(path: path, threads: threads)
            return (detector, try classNames(configuration, default: detector.classNames, count: detector.classCount))
        }
        if float {
            let rescaling = configuration?.pre_processing?.rescaling
            let detector = try CheckpointDetector(tflite: path, rescaling: PixelRescaling(scale: Float(rescaling?.scale ?? 127.5),
                                                                                          offset: Float(rescaling?.offset ?? -1)),
                                                  threads: threads)
            return (detector, try classNames(configuration, count: detector.classCount))
        }
        let interpreter = try loadInterpreter(path, options: Interpreter.Options(threads: threads))
        let rescaling = configuration?.pre_processing?.rescaling
        let bgr = configuration?.pre_processing?.color_mode?.lowercased() == "bgr"
        let detector: Detector
        do {
            detector = try Detector(interpreter: interpreter, scale: rescaling?.scale ?? 127.5, offset: rescaling?.offset ?? -1,
                                    colorOrder: bgr ? .bgr : .rgb)
        } catch {
            throw FileError.invalidModel(path: path, reason: error.description)
        }
        return (detector, try classNames(configuration, count: detector.classCount))
    }

    /// --classes, else the configuration's, else `fallback` (class0, class1, ... by default); there
    /// must be one per model class.
    private func classNames(_ configuration: ModelZooConfiguration?, default fallback: [String]? = nil, count: Int) throws -> [String] {
        let names = !classes.isEmpty ? flagClassNames(classes)
            : configuration?.dataset?.class_names ?? fallback ?? (0..<count).map { "class\($0)" }
        guard names.count == count else {
            throw ValidationError("\(names.count) class names (\(names.joined(separator: ", "))) for a model with \(count) classes")
        }
        return names
    }
}

/// Class names from `--classes`, given as separate words, comma-separated, or both.
func flagClassNames(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map(String.init) }
}
