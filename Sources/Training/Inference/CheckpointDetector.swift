import Detection
import ImageIO

/// The float network as a detector, with inference batch normalization and the same
/// pre-processing (OpenCV bilinear resize, rescaling) and post-processing (decode, NMS) as the
/// int8 `Detector`: how `detect` and `evaluate` run training checkpoints.
public final class CheckpointDetector: ObjectDetector {
    public let network: SSDNetwork
    public let classNames: [String]
    public let rescaling: PixelRescaling
    private var rows: PredictionRows
    private var input: [Float]

    /// `network` must have room for a batch of one image.
    public init(network: SSDNetwork, classNames: [String], rescaling: PixelRescaling) {
        self.network = network
        self.classNames = classNames
        self.rescaling = rescaling
        rows = PredictionRows(architecture: network.architecture)
        input = [Float](repeating: 0, count: network.architecture.inputSize * network.architecture.inputSize * 3)
    }

    /// A checkpoint written by `tinyssd train`.
    public convenience init(path: String, threads: Int = 1) throws(TrainingError) {
        let checkpoint = try Checkpoint(contentsOf: path)
        let network = SSDNetwork(architecture: checkpoint.architecture, maxBatch: 1, threads: threads, seed: 0)
        try checkpoint.load(into: network, path: path)
        self.init(network: network, classNames: checkpoint.classNames, rescaling: checkpoint.rescaling)
    }

    /// The float model of an int8 (or float) `.tflite` of the model zoo's SSD, whose architecture
    /// the file's shapes tell (see `TFLiteWeights`): what `train --init` starts from.
    public convenience init(tflite path: String, classNames: [String]? = nil, rescaling: PixelRescaling = PixelRescaling(),
                            threads: Int = 1) throws(TrainingError) {
        let weights = try TFLiteWeights(contentsOf: path)
        let architecture = weights.architecture
        let names = classNames ?? (0..<architecture.classCount).map { "class\($0)" }
        guard names.count == architecture.classCount else {
            throw .invalidSetting("\(names.count) class names for a model with \(architecture.classCount) classes")
        }
        let network = SSDNetwork(architecture: architecture, maxBatch: 1, threads: threads, seed: 0)
        try weights.load(into: network)
        self.init(network: network, classNames: names, rescaling: rescaling)
    }

    public var classCount: Int { network.architecture.classCount }

    public func detect(_ image: RGBImage, postProcessing: PostProcessing) throws(ImageIOError) -> [Detection] {
        let side = network.architecture.inputSize
        let resized = try image.resized(width: side, height: side)
        let (scale, offset) = (rescaling.scale, rescaling.offset)
        for (index, pixel) in resized.pixels.enumerated() { input[index] = Float(pixel) / scale + offset }
        // The buffer always holds exactly one image of the network's size.
        try? input.withUnsafeBufferPointer { try network.forward(images: $0, batch: 1, training: false) }
        rows.fill(from: network, image: 0)
        return rows.detections(imageWidth: image.width, imageHeight: image.height, postProcessing: postProcessing)
    }
}
