import ArgumentParser
import Detection
import Foundation
import ImageIO

struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find objects in images; print them and write each image with its boxes drawn.",
        discussion: """
            Images are prepared as the model zoo does (OpenCV's bilinear resize to the model input, \
            rescaling, quantization); boxes are in original-image pixels after per-class NMS. \
            An unreadable image is reported and skipped.

            Example: tinyssd detect --model ssd_mobilenet_v1_025_192_int8.tflite --classes person photo.jpg
            """)

    @OptionGroup var options: DetectorOptions

    @Option(help: "Keep detections whose score is above this.")
    var conf: Float = 0.5

    @Option(help: "Drop a box overlapping a kept box of its class by at least this IoU.")
    var nms: Float = 0.5

    @Option(help: ArgumentHelp("Folder for the images with boxes drawn.", valueName: "dir"))
    var out = "detections"

    @Flag(help: "Print the detections as JSON.")
    var json = false

    @Argument(help: ArgumentHelp("JPEG or PNG images.", valueName: "image"))
    var images: [String]

    struct ImageDetections: Encodable {
        struct Object: Encodable {
            var className: String
            var classIndex: Int
            var score: Float
            /// x0, y0, x1, y1 in image pixels.
            var box: [Float]
        }
        var image: String
        var width: Int
        var height: Int
        var detections: [Object]
        var drawn: String
    }

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        guard (0..<1).contains(conf), (0...1).contains(nms) else { throw ValidationError("--conf must be in [0, 1) and --nms in [0, 1]") }
    }

    func run() throws {
        let (detector, names) = try options.loadDetector(try options.loadConfiguration())
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw FileError.unwritable(path: out, reason: (error as NSError).localizedDescription)
        }
        var results: [ImageDetections] = []
        var skipped = 0
        var usedNames: Set<String> = []
        for path in images {
            do {
                var image = try readImage(path: path)
                let found = try detector.detect(image, postProcessing: PostProcessing(confidenceThreshold: conf, nmsThreshold: nms))
                    .sorted { $0.score > $1.score }
                draw(found, names: names, on: &image)
                let drawn = uniqueOutputPath(for: path, used: &usedNames)
                try writeImage(image, to: drawn)
                results.append(ImageDetections(
                    image: path, width: image.width, height: image.height,
                    detections: found.map { .init(className: names[$0.classIndex], classIndex: $0.classIndex, score: $0.score,
                                                  box: [$0.box.x0, $0.box.y0, $0.box.x1, $0.box.y1]) },
                    drawn: drawn))
                if !json { printDetections(results[results.count - 1]) }
            } catch {
                skipped += 1
                FileHandle.standardError.write(Data("skipped: \(error)\n".utf8))
            }
        }
        if json { print(try jsonText(results)) }
        if skipped > 0 {
            FileHandle.standardError.write(Data("\(skipped) of \(images.count) images skipped\n".utf8))
            if results.isEmpty { throw ExitCode.failure }
        }
    }

    private func printDetections(_ result: ImageDetections) {
        print("\(result.image): \(result.detections.count) detection\(result.detections.count == 1 ? "" : "s") -> \(result.drawn)")
        for d in result.detections {
            print(String(format: "  %@ %.3f  [%.1f, %.1f, %.1f, %.1f]", d.className, d.score, d.box[0], d.box[1], d.box[2], d.box[3]))
        }
    }

    private func draw(_ detections: [Detection], names: [String], on image: inout RGBImage) {
        let palette: [RGBColor] = [.red, .green, .blue, .orange]
        let thickness = max(2, min(image.width, image.height) / 200)
        let scale = max(1, min(image.width, image.height) / 200)
        // Lowest scores first, so the best boxes end up on top.
        for d in detections.reversed() {
            let color = palette[d.classIndex % palette.count]
            let x0 = pixel(d.box.x0), y0 = pixel(d.box.y0)
            let rect = PixelRect(x: x0, y: y0, width: pixel(d.box.x1) - x0, height: pixel(d.box.y1) - y0)
            image.drawRectangle(rect, color: color, thickness: thickness)
            let label = "\(names[d.classIndex]) \(String(format: "%.2f", d.score))"
            let labelHeight = BitmapFont.size(of: label, scale: scale).height + 4
            image.drawLabel(label, x: max(x0, 0), y: max(y0 - labelHeight, 0), textColor: .white, background: color, scale: scale)
        }
    }

    /// A box corner as a pixel index; a model can output any float, so clamp before converting.
    private func pixel(_ value: Float) -> Int {
        value.isNaN ? 0 : Int(min(max(value, -1e6), 1e6).rounded())
    }

    private func uniqueOutputPath(for path: String, used: inout Set<String>) -> String {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        var name = "\(stem)_detections.png"
        var copy = 2
        while used.contains(name) {
            name = "\(stem)_detections-\(copy).png"
            copy += 1
        }
        used.insert(name)
        return (out as NSString).appendingPathComponent(name)
    }
}
