import ArgumentParser
import Evaluation
import Foundation
import ImageIO
import Training

struct Dataset: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make, look at and time training datasets.",
        subcommands: [Synth.self, Preview.self, LoaderBenchmark.self])
}

extension Dataset {
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a synthetic shapes dataset in YOLO Darknet TXT with a model-zoo user_config.yaml.",
            discussion: """
                Images show 1 to --max-objects shapes (ellipse, rectangle, triangle, star, cross) of random \
                size, aspect, colour and rotation, antialiased, over textured noisy backgrounds. Shapes may \
                overlap, but every object keeps at least --min-visible of its area visible (otherwise it is \
                placed elsewhere or left out), so every drawn object is labelled; boxes are tight around the \
                visible part. The same --seed gives byte-identical files.

                Writes DIR/train, DIR/val (image + same-name .txt: class cx cy w h, relative) and \
                DIR/user_config.yaml.

                Example: tinyssd dataset synth --out shapes --train 2000 --val 300 --preview shapes/preview.png
                """)

        @Option(help: ArgumentHelp("The dataset folder.", valueName: "dir"))
        var out: String

        @Option(help: "Training images.")
        var train = 2000

        @Option(help: "Validation images.")
        var val = 300

        @Option(help: "Seed of the random drawing.")
        var seed: UInt64 = 1

        @Option(help: "Side of the square images, in pixels.")
        var size = 256

        @Option(help: ArgumentHelp("A number of classes (the first N of ellipse,rectangle,triangle,star,cross) or a comma-separated list of them.",
                                   valueName: "n|list"))
        var classes = "5"

        @Option(help: "Most objects per image.")
        var maxObjects = 5

        @Option(help: "Smallest object: longer box side as a fraction of the image side (0.2 suits the 192 model, whose smallest anchor is 0.26; 224 and 256 start at 0.1).")
        var minSize: Float = 0.2

        @Option(help: "Largest object, as for --min-size.")
        var maxSize: Float = 0.6

        @Option(help: "Fraction of its area every object keeps visible under the others.")
        var minVisible: Float = 0.6

        @Option(help: "Largest per-pixel noise standard deviation (0...255 units; each image draws its own).")
        var noise: Float = 10

        @Option(help: "Background texture strength, 0 (flat) ... 1.")
        var texture: Float = 1

        @Option(help: "Image format: jpg or png.")
        var format = "jpg"

        @Option(help: "JPEG quality (1...100).")
        var quality = 95

        @Option(help: "Model input side written into user_config.yaml.")
        var inputSize = 192

        @Option(help: "MobileNet width written into user_config.yaml.")
        var alpha = 0.25

        @Flag(help: "Replace the images, labels and config of an earlier run in the folder.")
        var overwrite = false

        @Option(help: ArgumentHelp("Also write a mosaic of the first 16 training images with their boxes.", valueName: "file.png"))
        var preview: String?

        @Option(help: ArgumentHelp("Write a JSON summary to this file ('-' for standard output).", valueName: "file"))
        var json: String?

        func run() throws {
            var writer = SyntheticDatasetWriter()
            writer.options.imageSize = size
            writer.options.classes = try shapeList(classes)
            writer.options.maximumObjects = maxObjects
            writer.options.objectSizes = try range(minSize, maxSize, "--min-size", "--max-size")
            writer.options.minimumVisibleFraction = minVisible
            writer.options.noise = noise
            writer.options.texture = texture
            guard let format = SyntheticDatasetWriter.Format(rawValue: format.lowercased()) else {
                throw ValidationError("--format must be jpg or png")
            }
            writer.format = format
            writer.jpegQuality = quality
            writer.seed = seed
            writer.modelInputSize = inputSize
            writer.alpha = alpha
            writer.overwrite = overwrite
            writer.origin = (["tinyssd"] + CommandLine.arguments.dropFirst()).joined(separator: " ")

            let progress = ProgressBar(total: train + val, label: "synth", unit: "img")
            let summary = try writer.write(to: out, trainingCount: train, validationCount: val) { progress.advance(by: $0) }
            if let preview, train > 0 {
                try writePreview(data: (out as NSString).appendingPathComponent("train"), classNames: summary.classNames,
                                 size: size, count: 16, augmentation: nil, seed: seed, to: preview)
            }
            if let json {
                let text = try jsonText(summary)
                if json == "-" { print(text) } else { try writeFile(json, Array((text + "\n").utf8)) }
            }
            if json != "-" {
                print(String(format: "%@: %d training + %d validation images in %.1f s (%.0f images/s); config %@",
                             out, train, val, summary.seconds, summary.imagesPerSecond, summary.configurationPath))
                print("  objects: " + zip(summary.classNames, summary.objectsPerClass).map { "\($0) \($1)" }.joined(separator: ", "))
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a dataset's first images with their boxes, as the training loader delivers them.",
            discussion: "Example: tinyssd dataset preview --data shapes/train --config shapes/user_config.yaml --augment --out augmented.png")

        @Option(help: ArgumentHelp("A YOLO Darknet dataset folder.", valueName: "dir"))
        var data: String

        @Option(help: ArgumentHelp("The mosaic to write (.png or .jpg).", valueName: "file"))
        var out: String

        @Option(help: ArgumentHelp("A user_config.yaml, for the class names.", valueName: "file"))
        var config: String?

        @Option(help: "Images in the mosaic.")
        var count = 16

        @Option(help: "Side the images are resized to (the network input).")
        var size = 192

        @Flag(help: "Apply the model zoo's training augmentation (its default settings).")
        var augment = false

        @Option(help: "Seed of the augmentation.")
        var seed: UInt64 = 1

        func run() throws {
            let names = try config.map { try ModelZooConfiguration.load($0).dataset?.class_names ?? [] } ?? []
            try writePreview(data: data, classNames: names, size: size, count: count,
                             augmentation: augment ? AugmentationSettings() : nil, seed: seed, to: out)
        }
    }

    struct LoaderBenchmark: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "benchmark",
            abstract: "Time the training data loader: decoding into the cache, then batches with and without augmentation.",
            discussion: "Build with -c release for meaningful figures. Example: tinyssd dataset benchmark --data shapes/train")

        @Option(help: ArgumentHelp("A YOLO Darknet dataset folder.", valueName: "dir"))
        var data: String

        @Option(help: "Network input side.")
        var size = 192

        @Option(help: "Images per batch.")
        var batch = 64

        @Option(help: "Batches to time in each mode.")
        var batches = 10

        func run() throws {
            guard batch > 0, batches > 0 else { throw ValidationError("--batch and --batches must be positive") }
            let dataset = try YOLODataset(directory: data)
            var options = TrainingDataLoaderOptions(inputWidth: size, inputHeight: size, batchSize: batch,
                                                    dropLastPartialBatch: false, prefetchBatches: 0)
            let start = Date()
            let cached = try TrainingDataLoader(dataset: dataset, classCount: labelledClassCount(dataset), options: options)
            let loadSeconds = Date().timeIntervalSince(start)
            print(String(format: "decode + resize into the cache: %d images in %.2f s (%.3f ms/image, all cores)",
                         cached.imageCount, loadSeconds, loadSeconds * 1000 / Double(cached.imageCount)))
            for augmentation in [nil, AugmentationSettings()] {
                options.augmentation = augmentation
                let loader = try cached.replacingOptions(options)
                let begin = Date(), beginCPU = threadCPUSeconds()
                var images = 0
                for made in 0..<batches {
                    images += try loader.makeBatch(epoch: made / loader.batchesPerEpoch, index: made % loader.batchesPerEpoch).imageCount
                }
                let seconds = Date().timeIntervalSince(begin), cpu = threadCPUSeconds() - beginCPU
                print(String(format: "batches %@ augmentation: %d images in %.3f s, %.3f ms/image (%.3f ms/image of CPU time, one thread)",
                             augmentation == nil ? "without" : "with", images, seconds, seconds * 1000 / Double(max(images, 1)),
                             cpu * 1000 / Double(max(images, 1))))
            }
        }
    }
}

/// CPU time of the calling thread: on a shared machine it varies less than wall time.
private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

/// One more than the largest class index in the labels.
private func labelledClassCount(_ dataset: YOLODataset) -> Int {
    (dataset.images.flatMap(\.objects).map(\.classIndex).max() ?? 0) + 1
}

/// A mosaic of the first `count` images of a dataset folder as the loader delivers them.
private func writePreview(data: String, classNames: [String], size: Int, count: Int, augmentation: AugmentationSettings?,
                          seed: UInt64, to path: String) throws {
    guard count > 0 else { throw ValidationError("the preview needs at least one image") }
    let dataset = try YOLODataset(directory: data)
    let options = TrainingDataLoaderOptions(inputWidth: size, inputHeight: size, batchSize: count, shuffle: false,
                                            dropLastPartialBatch: false, augmentation: augmentation, seed: seed,
                                            cacheImages: false, prefetchBatches: 0)
    let loader = try TrainingDataLoader(dataset: dataset, classCount: max(classNames.count, labelledClassCount(dataset)), options: options)
    let batch = try loader.makeBatch(epoch: 0, index: 0)
    try writeImage(try previewMosaic(of: batch, rescaling: options.rescaling, classNames: classNames), to: path)
}

/// "3" (the first three shapes) or "star,cross".
private func shapeList(_ text: String) throws -> [SyntheticShape] {
    if let count = Int(text) {
        guard (1...SyntheticShape.allCases.count).contains(count) else {
            throw ValidationError("--classes must be 1...\(SyntheticShape.allCases.count) or a list of shapes")
        }
        return Array(SyntheticShape.allCases.prefix(count))
    }
    return try text.split(separator: ",").map { name in
        guard let shape = SyntheticShape(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw ValidationError("unknown shape '\(name)' in --classes (known: \(SyntheticShape.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return shape
    }
}

private func range(_ low: Float, _ high: Float, _ lowName: String, _ highName: String) throws -> ClosedRange<Float> {
    guard low.isFinite, high.isFinite, low <= high else { throw ValidationError("\(lowName) must not exceed \(highName)") }
    return low...high
}
