import ArgumentParser
import Detection
import Evaluation
import Foundation
import ImageIO
import Quantization
import Runtime
import TFLiteFormat

extension WeightGranularity: ExpressibleByArgument {}
extension InterfaceType: ExpressibleByArgument {}

struct Quantize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Post-training int8 quantization of a float model, as the model zoo does it with the TFLite converter.",
        discussion: """
            Calibration runs the float model over the calibration images, prepared exactly as \
            `evaluate` prepares them (bilinear resize, rescaling), and records each activation's \
            absolute min and max. Activations become per-tensor asymmetric int8, convolution weights \
            symmetric int8 per channel (or per tensor), biases int32, with the converter's operator \
            constraints (shared parameters through RESHAPE, PAD, CONCATENATION and RESIZE_BILINEAR; \
            SOFTMAX at 1/256 with a requantizing QUANTIZE after it), a QUANTIZE on the input and a \
            DEQUANTIZE on the output.

            Calibration images: --calibration, else dataset.quantization_path of --config (cut to \
            dataset.quantization_split, first images by name), else dataset.training_path. With none, \
            5 images of random pixels are used, as the model zoo does, with a warning: the result is \
            then not fit for use.

            With a validation set (--val, or dataset.validation_path / test_path of --config unless \
            its quantization.evaluate is False), the float and the int8 model are both evaluated and their AP compared per class; --plots \
            writes one precision/recall plot per class with both curves.

            Example:
              tinyssd quantize --model best.safetensors --calibration shapes/train --max-images 100 --val shapes/val
            """)

    @Option(help: ArgumentHelp("The float model: a training checkpoint (.safetensors), a float .tflite, or an int8 .tflite (its dequantized twin) (default: general.model_path of --config).", valueName: "file"))
    var model: String?

    @Option(help: ArgumentHelp("Folder of calibration images (.jpg, .jpeg, .png).", valueName: "dir"))
    var calibration: String?

    @Option(help: ArgumentHelp("A model zoo user_config.yaml: its quantization section, dataset paths, class names and pre_processing. Flags win; relative paths are taken from the file's folder.", valueName: "file"))
    var config: String?

    @Option(help: "Calibrate on at most this many images (the first by name).")
    var maxImages: Int?

    @Option(help: ArgumentHelp("Weight scales per output channel or one per filter (default per_channel, or quantization.granularity)."))
    var granularity: WeightGranularity?

    @Option(help: ArgumentHelp("The quantized model's input type (default uint8, or quantization.quantization_input_type)."))
    var inputType: InterfaceType?

    @Option(help: ArgumentHelp("The quantized model's output type (default float, or quantization.quantization_output_type)."))
    var outputType: InterfaceType?

    @Flag(help: "Dequantize the scores, boxes and anchors each on its own scale before the final concatenation (float output only), instead of sharing the concatenation's scale as the converter does.")
    var separateOutputScales = false

    @Option(help: ArgumentHelp("Where to write the int8 model (default: quantization.export_dir/quantized_model.tflite of --config, else quantized_model.tflite).", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("Validation dataset (YOLO Darknet folder) for the float vs int8 AP comparison.", valueName: "dir"))
    var val: String?

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Class names in model order, for the AP report.", valueName: "name"))
    var classes: [String] = []

    @Option(help: ArgumentHelp("Folder for one float vs int8 precision/recall plot per class (with a validation set).", valueName: "dir"))
    var plots: String?

    @Flag(help: "Print the summary as JSON on standard output.")
    var json = false

    @Option(help: ArgumentHelp("Write every calibrated tensor's min and max as JSON to this file.", valueName: "file"))
    var ranges: String?

    @Option(help: "Calibration workers (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
        if let maxImages, maxImages < 1 { throw ValidationError("--max-images must be at least 1") }
        if separateOutputScales, let outputType, outputType != .float {
            throw ValidationError("--separate-output-scales needs --output-type float")
        }
    }

    func run() throws {
        let configuration = try config.map(ModelZooConfiguration.load)
        let section = configuration?.quantization
        let options = QuantizationOptions(
            granularity: granularity ?? section?.granularity.flatMap { WeightGranularity(rawValue: $0.lowercased()) } ?? .perChannel,
            inputType: inputType ?? section?.quantization_input_type.flatMap { InterfaceType(rawValue: $0.lowercased()) } ?? .uint8,
            outputType: outputType ?? section?.quantization_output_type.flatMap { InterfaceType(rawValue: $0.lowercased()) } ?? .float,
            separateOutputScales: separateOutputScales)
        if options.separateOutputScales && options.outputType != .float {
            throw ValidationError("--separate-output-scales needs float output (quantization_output_type is \(options.outputType.rawValue))")
        }
        guard let modelPath = model ?? configuration?.resolve(configuration?.general?.model_path) else {
            throw ValidationError("give the float model with --model, or general.model_path in --config")
        }
        let outPath = out ?? configuration?.resolve(section?.export_dir).map { ($0 as NSString).appendingPathComponent("quantized_model.tflite") }
            ?? "quantized_model.tflite"
        try checkWritable(outPath)

        let float = try FloatModel.load(path: modelPath)
        guard let side = float.inputSide else { throw FileError.invalidModel(path: modelPath, reason: "its input is not [1, S, S, 3]") }
        let rescaling = configuration?.pre_processing?.rescaling.map { (scale: $0.scale, offset: $0.offset) }
            ?? float.rescaling ?? (scale: 127.5, offset: -1)
        let bgr = configuration?.pre_processing?.color_mode?.lowercased() == "bgr"

        let runner = PostTrainingQuantization(options: options, threads: threads)
        let outcome: PostTrainingQuantization.Outcome
        let calibrationSource: String
        var skipped: [(path: String, reason: String)] = []
        if let paths = try calibrationPaths(configuration) {
            calibrationSource = paths.source
            let images = CalibrationImages(paths: paths.files, side: side, scale: rescaling.scale, offset: rescaling.offset, bgr: bgr)
            guard !images.paths.isEmpty else { throw ValidationError("\(paths.source) holds no .jpg, .jpeg or .png images") }
            let progress = ProgressBar(total: images.paths.count, label: "calibrate", unit: "img")
            do {
                outcome = try runner.run(float.model, images: images) { _ in progress.advance() }
            } catch QuantizationError.noCalibrationSamples(let attempted) {
                for entry in images.skipped.all { warn("skipped \(entry.reason)") }
                throw ValidationError("none of the \(attempted) calibration images in \(paths.source) could be read")
            }
            skipped = images.skipped.all
            for entry in skipped { warn("skipped \(entry.reason)") }
        } else {
            calibrationSource = "random pixels (the model zoo's fallback)"
            warn("""
                WARNING: no calibration images (no --calibration, and --config gives no dataset.quantization_path \
                or training_path): calibrating on 5 images of random pixels, as the model zoo does. The \
                activation ranges will not be those of real images; do not deploy this model.
                """)
            outcome = try runner.run(float.model, count: 5,
                                     fill: PostTrainingQuantization.randomSamples(scale: rescaling.scale, offset: rescaling.offset, seed: 1))
        }

        if let ranges {
            let graph = float.model.subgraphs[0]
            let entries = outcome.ranges.sorted { $0.key < $1.key }.map { index, range in
                CalibratedRange(tensor: index, name: graph.tensors[index].name, min: range.min, max: range.max)
            }
            try writeFile(ranges, Array((try jsonText(entries) + "\n").utf8))
        }
        let writeStart = Date()
        let bytes = outcome.result.model.serialized()
        try writeFile(outPath, bytes)
        let writeSeconds = Date().timeIntervalSince(writeStart)

        var summary = QuantizeSummary(
            model: modelPath, modelSource: float.source.rawValue, output: outPath, outputBytes: bytes.count,
            calibration: calibrationSource, calibrationImages: outcome.samples, skippedImages: skipped.map(\.path),
            granularity: options.granularity.rawValue, inputType: options.inputType.rawValue, outputType: options.outputType.rawValue,
            separateOutputScales: options.separateOutputScales,
            raisedChannels: outcome.result.raisedChannels.values.reduce(0) { $0 + $1.count },
            seconds: QuantizeSummary.Phases(calibration: outcome.timings.calibration, quantization: outcome.timings.quantization,
                                            write: writeSeconds),
            evaluation: nil)

        // The config's validation set unless its (older) `quantization.evaluate` says False; --val always.
        let configValidation = section?.evaluate == false ? nil
            : configuration?.resolve(configuration?.dataset?.validation_path) ?? configuration?.resolve(configuration?.dataset?.test_path)
        if let valPath = val ?? configValidation {
            summary.evaluation = try compare(float: float, outcome: outcome, options: options, valPath: valPath,
                                             configuration: configuration, rescaling: rescaling, bgr: bgr)
        }
        if json { print(try jsonText(summary)) } else { printSummary(summary) }
    }

    /// The calibration files and where they came from; nil when nothing names any.
    private func calibrationPaths(_ configuration: ModelZooConfiguration?) throws -> (files: [String], source: String)? {
        var folder = calibration
        var split: Double?
        if folder == nil, let path = configuration?.resolve(configuration?.dataset?.quantization_path) {
            folder = path
            split = configuration?.dataset?.quantization_split
        }
        folder = folder ?? configuration?.resolve(configuration?.dataset?.training_path)
        guard let folder else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
            throw FileError.unreadable(path: folder, reason: "the calibration folder does not exist")
        }
        guard isDirectory.boolValue else { throw FileError.unreadable(path: folder, reason: "the calibration images must be a folder") }
        var files: [String]
        do {
            files = try CalibrationImages.files(in: folder)
        } catch {
            throw FileError.unreadable(path: folder, reason: (error as NSError).localizedDescription)
        }
        if let split { files = Array(files.prefix(max(1, Int((Double(files.count) * split).rounded())))) }
        if let maxImages { files = Array(files.prefix(maxImages)) }
        return (files, folder)
    }

    /// Float and int8 AP on the validation set, per class.
    private func compare(float: FloatModel, outcome: PostTrainingQuantization.Outcome, options: QuantizationOptions, valPath: String,
                         configuration: ModelZooConfiguration?, rescaling: (scale: Double, offset: Double), bgr: Bool) throws -> APComparison {
        let dataset = try YOLODataset(directory: valPath)
        guard !dataset.images.isEmpty else { throw ValidationError("\(valPath) holds no .jpg, .jpeg or .png images") }
        // Scores and boxes are the same int8 numbers whatever the interface types, so an int8- or
        // uint8-output model is evaluated through its float-output form.
        var evaluated = outcome.result.model
        if options.outputType != .float {
            var floatOutput = options
            floatOutput.outputType = .float
            evaluated = try GraphQuantizer(options: floatOutput).quantize(float.model, ranges: outcome.ranges).model
        }
        let floatInterpreter: Interpreter, int8Interpreter: Interpreter
        do {
            floatInterpreter = try Interpreter(model: float.model, options: Interpreter.Options(threads: threads))
            int8Interpreter = try Interpreter(model: evaluated, options: Interpreter.Options(threads: threads))
        } catch {
            throw FileError.invalidModel(path: out ?? "quantized model", reason: error.description)
        }
        let floatDetector = try Detector(interpreter: floatInterpreter, scale: rescaling.scale, offset: rescaling.offset, colorOrder: bgr ? .bgr : .rgb)
        let int8Detector = try Detector(interpreter: int8Interpreter, scale: rescaling.scale, offset: rescaling.offset, colorOrder: bgr ? .bgr : .rgb)
        let names = !classes.isEmpty ? flagClassNames(classes)
            : configuration?.dataset?.class_names ?? float.classNames ?? (0..<int8Detector.classCount).map { "class\($0)" }
        guard names.count == int8Detector.classCount else {
            throw ValidationError("\(names.count) class names (\(names.joined(separator: ", "))) for a model with \(int8Detector.classCount) classes")
        }
        let post = configuration?.post_processing
        let thresholds = PostProcessing(confidenceThreshold: post?.confidence_thresh.map(Float.init) ?? 0.001,
                                        nmsThreshold: post?.NMS_thresh.map(Float.init) ?? 0.5)
        let iou = post?.IoU_eval_thresh ?? 0.4
        let floatBar = ProgressBar(total: dataset.images.count, label: "evaluate float", unit: "img")
        let floatRun = evaluate(floatDetector, on: dataset, classNames: names, postProcessing: thresholds, iouThreshold: iou) { _ in floatBar.advance() }
        let int8Bar = ProgressBar(total: dataset.images.count, label: "evaluate int8", unit: "img")
        let int8Run = evaluate(int8Detector, on: dataset, classNames: names, postProcessing: thresholds, iouThreshold: iou) { _ in int8Bar.advance() }
        let comparison = APComparison(dataset: valPath, float: floatRun.report, int8: int8Run.report)
        if let plots { try writeComparisonPlots(floatRun.report, int8Run.report, to: plots) }
        return comparison
    }

    private func writeComparisonPlots(_ float: EvaluationReport, _ int8: EvaluationReport, to folder: String) throws {
        for f in float.classes {
            let q = int8.classes.first { $0.classIndex == f.classIndex }
            var series = [PlotSeries(name: String(format: "float %.2f %%", f.averagePrecision * 100), color: .blue,
                                     points: zip(f.recalls, f.precisions).map { PlotPoint(x: $0, y: $1) })]
            if let q {
                series.append(PlotSeries(name: String(format: "int8 %.2f %%", q.averagePrecision * 100), color: .red,
                                         points: zip(q.recalls, q.precisions).map { PlotPoint(x: $0, y: $1) }))
            }
            let plot = LinePlot(title: "\(f.name): float vs int8 (IoU \(float.iouThreshold))", xLabel: "recall", yLabel: "precision",
                                series: series)
            try writeClassPlot(plot, folder: folder, prefix: "float_vs_int8", className: f.name)
        }
    }

    private func printSummary(_ s: QuantizeSummary) {
        print("\(s.output): \(s.outputBytes) bytes, int8 (\(s.granularity) weights, \(s.inputType) in, \(s.outputType) out\(s.separateOutputScales ? ", separate output scales" : ""))")
        print("  from \(s.model) (\(s.modelSource)); calibrated on \(s.calibrationImages) images from \(s.calibration)\(s.skippedImages.isEmpty ? "" : ", \(s.skippedImages.count) skipped")")
        print(String(format: "  time: calibration %.2f s, quantization %.2f s, write %.2f s", s.seconds.calibration, s.seconds.quantization, s.seconds.write))
        if s.raisedChannels > 0 { print("  \(s.raisedChannels) weight channels had their scale raised to fit the int32 bias (dead or tiny channels)") }
        guard let e = s.evaluation else { return }
        print("  \(e.dataset): AP % at IoU \(e.iouThreshold)")
        print("  " + ["class".padded(16), "float".leftPadded(9), "int8".leftPadded(9), "int8-float".leftPadded(11)].joined(separator: " "))
        for c in e.classes {
            print("  " + [c.name.padded(16), String(format: "%.4f", c.floatAP * 100).leftPadded(9), String(format: "%.4f", c.int8AP * 100).leftPadded(9),
                          String(format: "%+.4f", c.difference * 100).leftPadded(11)].joined(separator: " "))
        }
        print("  " + ["mAP".padded(16), String(format: "%.4f", e.floatMAP * 100).leftPadded(9), String(format: "%.4f", e.int8MAP * 100).leftPadded(9),
                      String(format: "%+.4f", (e.int8MAP - e.floatMAP) * 100).leftPadded(11)].joined(separator: " "))
    }
}

/// Fails before any work when the output's folder does not exist or cannot be written.
private func checkWritable(_ path: String) throws {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw FileError.unwritable(path: path, reason: "the folder \(folder) does not exist")
    }
    guard FileManager.default.isWritableFile(atPath: folder) else {
        throw FileError.unwritable(path: path, reason: "the folder \(folder) is not writable")
    }
}

private func warn(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// One line of `quantize --ranges`.
struct CalibratedRange: Encodable {
    var tensor: Int
    var name: String
    var min: Float
    var max: Float
}

/// What `quantize --json` prints.
struct QuantizeSummary: Encodable {
    struct Phases: Encodable {
        var calibration: Double
        var quantization: Double
        var write: Double
    }

    var model: String
    var modelSource: String
    var output: String
    var outputBytes: Int
    var calibration: String
    var calibrationImages: Int
    var skippedImages: [String]
    var granularity: String
    var inputType: String
    var outputType: String
    var separateOutputScales: Bool
    var raisedChannels: Int
    var seconds: Phases
    var evaluation: APComparison?
}
