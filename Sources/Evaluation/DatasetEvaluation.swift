import Detection
import ImageIO

/// An image an evaluation could not use, and why.
public struct SkippedImage: Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// The decoder's message, naming the file.
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { reason }
}

/// The result of running a detector over a dataset.
public struct DatasetEvaluation: Sendable {
    public var report: EvaluationReport
    public var imagesEvaluated: Int
    /// Unreadable or corrupt images, left out of the metric.
    public var skipped: [SkippedImage]
    /// From reading the dataset, e.g. images without a label file (counted as having no objects).
    public var warnings: [DatasetWarning]
}

/// Runs `detector` over every image of `dataset` and computes the model zoo's metrics.
///
/// An image that cannot be read is skipped and reported, and the run goes on. `progress` is
/// called after each image with the number of images done.
public func evaluate(
    _ detector: some ObjectDetector, on dataset: YOLODataset, classNames: [String], postProcessing: PostProcessing,
    iouThreshold: Double = 0.4, interpolation: APInterpolation = .everyPoint, progress: (Int) -> Void = { _ in }
) -> DatasetEvaluation {
    var results: [ImageResult] = []
    var skipped: [SkippedImage] = []
    for (done, labeled) in dataset.images.enumerated() {
        defer { progress(done + 1) }
        do {
            let image = try readImage(path: labeled.imagePath)
            let detections = try detector.detect(image, postProcessing: postProcessing)
            results.append(ImageResult(imageWidth: image.width, imageHeight: image.height,
                                       groundTruths: labeled.objects, detections: detections))
        } catch {
            skipped.append(SkippedImage(path: labeled.imagePath, reason: error.description))
        }
    }
    let report = evaluate(results, classNames: classNames, iouThreshold: iouThreshold, interpolation: interpolation)
    return DatasetEvaluation(report: report, imagesEvaluated: results.count, skipped: skipped, warnings: dataset.warnings)
}
