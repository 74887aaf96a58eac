import ImageIO
import Runtime
import TFLiteFormat

/// Why a model cannot serve as an SSD detector.
public enum DetectorError: Error, Equatable, CustomStringConvertible {
    case unsupportedInput(String)
    case unsupportedOutput(String)

    public var description: String {
        switch self {
        case .unsupportedInput(let reason): return "the model's input is not an RGB image: \(reason)"
        case .unsupportedOutput(let reason): return "the model's output is not an SSD output: \(reason)"
        }
    }
}

/// An SSD model ready to find objects in images, processing them as the model zoo does:
/// OpenCV's bilinear resize to the model input (aspect ratio not kept), rescaling and
/// quantization, the model, then box decoding and per-class NMS in original-image pixels.
public final class Detector: ObjectDetector {
    public enum ColorOrder: Sendable {
        case rgb, bgr
    }

    public let interpreter: Interpreter
    public let inputWidth: Int
    public let inputHeight: Int
    /// Object classes, background excluded.
    public let classCount: Int
    public let anchorCount: Int
    private let encoding: InputEncoding
    private let colorOrder: ColorOrder

    /// `scale` and `offset` are the config's `pre_processing.rescaling` (`x = pixel / scale + offset`).
    public init(interpreter: Interpreter, scale: Double = 127.5, offset: Double = -1, colorOrder: ColorOrder = .rgb) throws(DetectorError) {
        guard interpreter.inputs.count == 1, let input = interpreter.inputs.first else {
            throw .unsupportedInput("it has \(interpreter.inputs.count) inputs")
        }
        guard input.shape.count == 4, input.shape[0] == 1, input.shape[3] == 3 else {
            throw .unsupportedInput("shape \(input.shape), expected [1, height, width, 3]")
        }
        let element: InputEncoding.Element
        switch input.type {
        case .uint8: element = .uint8
        case .int8: element = .int8
        case .float32: element = .float32
        default: throw .unsupportedInput("type \(input.type)")
        }
        if element != .float32 && (input.quantization == nil || input.quantization?.isPerChannel == true) {
            throw .unsupportedInput("a \(input.type) input needs per-tensor quantization")
        }
        guard interpreter.outputs.count == 1, let output = interpreter.outputs.first, output.type == .float32,
              output.shape.count == 3, output.shape[0] == 1, output.shape[1] > 0, output.shape[2] >= 10 else {
            throw .unsupportedOutput("expected one float32 output [1, anchors, classes + 9 or more]")
        }
        self.interpreter = interpreter
        inputHeight = input.shape[1]
        inputWidth = input.shape[2]
        anchorCount = output.shape[1]
        classCount = output.shape[2] - 9
        self.colorOrder = colorOrder
        encoding = InputEncoding(element: element, scale: scale, offset: offset,
                                 quantization: input.quantization.map { ($0.scale, $0.zeroPoint) })
    }

    /// The objects in `image`, boxes in its pixels; grouped by class, each group in anchor order.
    public func detect(_ image: RGBImage, postProcessing: PostProcessing) throws(ImageIOError) -> [Detection] {
        var resized = try image.resized(width: inputWidth, height: inputHeight)
        if colorOrder == .bgr {
            for pixel in stride(from: 0, to: resized.pixels.count, by: 3) { resized.pixels.swapAt(pixel, pixel + 2) }
        }
        encoding.encode(resized.pixels, into: interpreter.input())
        interpreter.invoke()
        let rows = interpreter.output().bindMemory(to: Float.self)
        // The initializer checked the output shape, so these rows always form an SSD output.
        let output = SSDOutput(rows: rows, anchorCount: anchorCount)!
        return output.detections(imageWidth: image.width, imageHeight: image.height, postProcessing: postProcessing)
    }
}
