/// The SSD-MobileNet-v1 layout the model zoo builds for one input size: its feature maps, their
/// anchor sizes and ratios (PIPELINE.md §3-4). Shared by anchor generation, the training network
/// and target assignment, so they cannot disagree.
public struct SSDArchitecture: Equatable, Hashable, Codable, Sendable {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case unsupportedInputSize(Int)
        case unsupportedAlpha(Double)
        case noClasses

        public var description: String {
            switch self {
            case .unsupportedInputSize(let size):
                return "input size \(size) is not supported; the model zoo's SSD MobileNet v1 takes 192, 224 or 256"
            case .unsupportedAlpha(let alpha):
                return "alpha \(alpha) is not supported; use 0.25, 0.5, 0.75 or 1.0"
            case .noClasses:
                return "a detector needs at least one object class"
            }
        }
    }

    public static let supportedInputSizes = [192, 224, 256]
    public static let supportedAlphas = [0.25, 0.5, 0.75, 1.0]
    /// Width / height ratios of the anchors at each map's first size, in this order.
    public static let anchorRatios: [Double] = [1, 2, 0.5, 1.0 / 3.0]

    /// MobileNet width multiplier.
    public let alpha: Double
    /// Square input side in pixels.
    public let inputSize: Int
    /// Object classes, background excluded.
    public let classCount: Int

    public init(alpha: Double = 0.25, inputSize: Int, classCount: Int) throws(Error) {
        guard Self.supportedInputSizes.contains(inputSize) else { throw .unsupportedInputSize(inputSize) }
        guard Self.supportedAlphas.contains(alpha) else { throw .unsupportedAlpha(alpha) }
        guard classCount >= 1 else { throw .noClasses }
        self.alpha = alpha
        self.inputSize = inputSize
        self.classCount = classCount
    }

    /// Sides of the square feature maps the heads run on, largest first.
    public var featureMapSizes: [Int] {
        inputSize == 192 ? [24, 12, 6, 3, 1] : [32, 16, 8, 4, 2, 1]
    }

    /// The two anchor sizes (fractions of the input side) of each feature map, largest map first.
    public var anchorSizes: [[Double]] {
        let all: [[Double]] = [[0.1, 0.16], [0.26, 0.33], [0.42, 0.49], [0.58, 0.66], [0.74, 0.82], [0.9, 0.98]]
        return Array(all.suffix(featureMapSizes.count))
    }

    /// Anchors per feature-map cell: the first size at every ratio, then the second size at ratio 1.
    public var anchorsPerCell: Int { Self.anchorRatios.count + 1 }

    /// Rows of the model output: 3830 at 192, 6825 at 224 and 256.
    public var anchorCount: Int { featureMapSizes.reduce(0) { $0 + $1 * $1 } * anchorsPerCell }

    /// Columns of the model output: softmax scores (background first), box offsets, anchor corners.
    public var outputColumns: Int { classCount + 1 + 4 + 4 }
}
