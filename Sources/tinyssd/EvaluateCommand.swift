import ArgumentParser
import Detection
import Evaluation
import Foundation
import ImageIO

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute a model's Pascal-VOC AP on a YOLO Darknet dataset, exactly as the model zoo does.",
        discussion: """
            The dataset is a folder of images (.jpg, .jpeg, .png) with same-name .txt label files \
            (class cx cy w h, relative). AP uses the model zoo's conventions: whole-pixel boxes, \
            IoU with the +1-pixel rule, detections ranked by score (ties in order), every-point \
            interpolation unless --eleven-point. COCO-style mAP@[.50:.95] is reported as an extra.

            An unreadable image is reported and skipped; an image without a label file counts as \
            having no objects (with a warning); a malformed label line stops the run, naming the \
            file and line.

            Example: tinyssd evaluate --model ssd_mobilenet_v1_025_192_int8.tflite --data person-mini --classes person
            """)

    @OptionGroup var options: DetectorOptions

    @Option(help: ArgumentHelp("The dataset folder (default: dataset.test_path, else dataset.validation_path of --config).",
                               valueName: "dir"))
    var data: String?

    @Option(help: "Keep detections whose score is above this (default 0.001, or the config's).")
    var conf: Float?

    @Option(help: "NMS IoU threshold (default 0.5, or the config's).")
    var nms: Float?

    @Option(help: "IoU a detection needs to count as a true positive (default 0.4, or the config's).")
    var iou: Double?

    @Flag(help: "Use 11-point interpolated AP instead of every-point.")
    var elevenPoint = false

    @Option(help: ArgumentHelp("Write the report as JSON to this file ('-' for standard output).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Folder for a precision/recall curve image per class.", valueName: "dir"))
    var plots: String?

    func run() throws {
        let configuration = try options.loadConfiguration()
        let (detector, names) = try options.loadDetector(configuration)
        let dataPath = data ?? configuration?.resolve(configuration?.dataset?.test_path)
            ?? configuration?.resolve(configuration?.dataset?.validation_path)
        guard let dataPath else { throw ValidationError("give the dataset with --data, or dataset.test_path or validation_path in --config") }
        let post = configuration?.post_processing
        let thresholds = PostProcessing(confidenceThreshold: conf ?? post?.confidence_thresh.map(Float.init) ?? 0.001,
                                        nmsThreshold: nms ?? post?.NMS_thresh.map(Float.init) ?? 0.5)
        let iouThreshold = iou ?? post?.IoU_eval_thresh ?? 0.4
        guard (0...1).contains(thresholds.confidenceThreshold), (0...1).contains(thresholds.nmsThreshold), (0...1).contains(iouThreshold) else {
            throw ValidationError("--conf, --nms and --iou must lie in [0, 1]")
        }

        let dataset = try YOLODataset(directory: dataPath)
        for warning in dataset.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        guard !dataset.images.isEmpty else { throw ValidationError("\(dataPath) holds no .jpg, .jpeg or .png images") }

        let progress = ProgressBar(total: dataset.images.count, label: "evaluate", unit: "img")
        let run = evaluate(detector, on: dataset, classNames: names, postProcessing: thresholds, iouThreshold: iouThreshold,
                           interpolation: elevenPoint ? .elevenPoint : .everyPoint) { _ in progress.advance() }
        for skipped in run.skipped { FileHandle.standardError.write(Data("skipped: \(skipped)\n".utf8)) }

        if let json {
            let text = try jsonText(run.report)
            if json == "-" { print(text) } else { try writeFile(json, Array((text + "\n").utf8)) }
        }
        if json != "-" { printSummary(run, dataPath: dataPath) }
        if let plots { try writePlots(run.report, to: plots) }
    }

    private func printSummary(_ run: DatasetEvaluation, dataPath: String) {
        let report = run.report
        print("\(dataPath): \(run.imagesEvaluated) images evaluated, \(run.skipped.count) skipped; IoU \(report.iouThreshold), \(report.interpolation) AP")
        print("  " + ["class".padded(16), "AP %".leftPadded(9), "TP".leftPadded(7), "FP".leftPadded(7), "GT".leftPadded(7)].joined(separator: " "))
        for c in report.classes {
            print("  " + [c.name.padded(16), String(format: "%.4f", c.averagePrecision * 100).leftPadded(9),
                          String(c.truePositives).leftPadded(7), String(c.falsePositives).leftPadded(7),
                          String(c.groundTruths).leftPadded(7)].joined(separator: " "))
        }
        print(String(format: "  mAP %.4f %%   COCO mAP@[.50:.95] %.4f %%", report.meanAveragePrecision * 100,
                     report.cocoMeanAveragePrecision * 100))
    }

    private func writePlots(_ report: EvaluationReport, to folder: String) throws {
        for c in report.classes where !c.recalls.isEmpty {
            let points = zip(c.recalls, c.precisions).map { PlotPoint(x: $0, y: $1) }
            let plot = LinePlot(title: String(format: "%@: AP %.2f %% (IoU %.2f)", c.name, c.averagePrecision * 100, report.iouThreshold),
                                xLabel: "recall", yLabel: "precision",
                                series: [PlotSeries(name: c.name, color: .blue, points: points)])
            try writeClassPlot(plot, folder: folder, prefix: "precision_recall", className: c.name)
        }
    }
}

/// Writes `plot` as FOLDER/PREFIX_CLASS.png (the folder made if needed, the class name reduced to
/// letters, digits and underscores), for `evaluate --plots` and `quantize --plots`.
func writeClassPlot(_ plot: LinePlot, folder: String, prefix: String, className: String) throws {
    do {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
        throw FileError.unwritable(path: folder, reason: (error as NSError).localizedDescription)
    }
    let safeName = String(className.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    try writeImage(try plot.render(), to: (folder as NSString).appendingPathComponent("\(prefix)_\(safeName).png"))
}
