import Detection
import Foundation

/// The model zoo's `ssd_focal_loss` (PIPELINE.md §7) with its gradients.
///
/// Per anchor, on the softmax scores p (clipped to [ε, 1 - ε], ε = 1e-7) and target class t:
/// classification `α (1 - p_t)^γ (-log p_t)`, nothing for neutral anchors; for positive anchors
/// also localisation `Σ smoothL1(target - offset)` over the four offsets with σ: `0.5 (σd)²` when
/// |d| < 1/σ², else `|d| - 0.5/σ²`. Keras divides each image's sum by max(1, positives in the
/// batch), multiplies by the batch size and averages over the batch, so the loss is
/// `Σ over the batch (classification + localisation) / max(1, batch positives)`.
/// The reference's re-normalisation of the scores divides by their sum, which is 1, so it changes
/// neither the value nor the gradient and is left out. Where a score is clipped, its gradient is 0.
public struct SSDLoss: Sendable {
    /// Keras's `epsilon()`.
    public static let probabilityEpsilon: Float = 1e-7

    public var focalAlpha: Float
    public var focalGamma: Float
    public var smoothL1Sigma: Float

    public init(focalAlpha: Float = 1, focalGamma: Float = 0.25, smoothL1Sigma: Float = 0.5) {
        self.focalAlpha = focalAlpha
        self.focalGamma = focalGamma
        self.smoothL1Sigma = smoothL1Sigma
    }

    /// The loss of a batch and, when buffers are given, its gradients.
    ///
    /// - Parameters:
    ///   - classLogits: `[images, anchors, 1 + classes]` row-major, background first.
    ///   - boxOffsets: `[images, anchors, 4]` row-major.
    ///   - targets: one per image; the image and anchor counts come from here.
    ///   - classLogitGradients, boxOffsetGradients: shaped like the inputs; every entry of the
    ///     covered images is overwritten (zero where an anchor adds no loss).
    ///   - images: the images to evaluate (all by default). The positives of the whole batch still set
    ///     the normalisation, so threads may each take a disjoint range and add their values.
    public func evaluate(classLogits: UnsafeBufferPointer<Float>, boxOffsets: UnsafeBufferPointer<Float>,
                         targets: [AnchorTargets],
                         classLogitGradients: UnsafeMutableBufferPointer<Float>? = nil,
                         boxOffsetGradients: UnsafeMutableBufferPointer<Float>? = nil,
                         images: Range<Int>? = nil) -> SSDLossValue {
        let anchorCount = targets.first?.anchorCount ?? 0
        let rows = targets.count * anchorCount
        guard rows > 0, let logits = classLogits.baseAddress, let offsets = boxOffsets.baseAddress else {
            return SSDLossValue()
        }
        let modelClassCount = classLogits.count / rows
        precondition(targets.allSatisfy { $0.anchorCount == anchorCount }, "every image needs targets for the same anchors")
        precondition(modelClassCount >= 2 && classLogits.count == rows * modelClassCount && boxOffsets.count == rows * 4,
                     "logits and offsets must be [images, anchors, 1 + classes] and [images, anchors, 4]")
        precondition(classLogitGradients.map { $0.count == classLogits.count } ?? true
                     && boxOffsetGradients.map { $0.count == boxOffsets.count } ?? true,
                     "gradient buffers must have the shapes of their inputs")
        let covered = images ?? 0..<targets.count
        let batchPositives = targets.reduce(0) { $0 + $1.positiveCount }
        let shape = Shape(anchorCount: anchorCount, modelClassCount: modelClassCount,
                          scale: 1 / Float(max(1, batchPositives)))
        var sums = (classification: 0.0, localization: 0.0, positives: 0)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: modelClassCount) { scratch in
            for image in covered {
                let first = image * anchorCount
                let imageSums = targets[image].modelClasses.withUnsafeBufferPointer { classes in
                    targets[image].boxOffsets.withUnsafeBufferPointer { boxTargets in
                        evaluateImage(shape, classes: classes.baseAddress!, boxTargets: boxTargets.baseAddress!,
                                      logits: logits + first * modelClassCount, offsets: offsets + first * 4,
                                      logitGradients: classLogitGradients?.baseAddress.map { $0 + first * modelClassCount },
                                      offsetGradients: boxOffsetGradients?.baseAddress.map { $0 + first * 4 },
                                      scratch: scratch.baseAddress!)
                    }
                }
                sums.classification += imageSums.classification
                sums.localization += imageSums.localization
                sums.positives += targets[image].positiveCount
            }
        }
        let normaliser = Double(max(1, batchPositives))
        return SSDLossValue(classification: sums.classification / normaliser,
                            localization: sums.localization / normaliser, positiveCount: sums.positives)
    }

    struct Shape {
        var anchorCount: Int
        var modelClassCount: Int
        /// 1 / max(1, batch positives): the gradient factor.
        var scale: Float
    }

    /// Unnormalised sums of one image; gradients already scaled.
    private func evaluateImage(_ shape: Shape, classes: UnsafePointer<Int32>, boxTargets: UnsafePointer<Float>,
                               logits: UnsafePointer<Float>, offsets: UnsafePointer<Float>,
                               logitGradients: UnsafeMutablePointer<Float>?, offsetGradients: UnsafeMutablePointer<Float>?,
                               scratch: UnsafeMutablePointer<Float>) -> (classification: Double, localization: Double) {
        let width = shape.modelClassCount
        var classification = 0.0
        var localization = 0.0
        for anchor in 0..<shape.anchorCount {
            let target = Int(classes[anchor])
            precondition(target < width, "target class \(target) is outside the \(width) model classes")
            let scores = logitGradients.map { $0 + anchor * width } ?? scratch
            if target >= 0 {
                ClassSoftmax.softmaxRow(logits + anchor * width, width, into: scores)
                classification += Double(focalTerm(scores, width, target: target, scale: shape.scale,
                                                   gradient: logitGradients != nil))
            } else if logitGradients != nil {
                scores.update(repeating: 0, count: width)
            }
            let box = anchor * 4
            if target > 0 {
                localization += Double(smoothL1(boxTargets + box, offsets + box, scale: shape.scale,
                                                gradient: offsetGradients.map { $0 + box }))
            } else if let offsetGradients {
                (offsetGradients + box).update(repeating: 0, count: 4)
            }
        }
        return (classification, localization)
    }

    /// The focal term of one anchor from its softmax `scores`, which become the logit gradients when asked.
    @inline(__always)
    private func focalTerm(_ scores: UnsafeMutablePointer<Float>, _ width: Int, target: Int, scale: Float,
                           gradient: Bool) -> Float {
        let score = scores[target]
        let lowest = Self.probabilityEpsilon
        let highest = 1 - Self.probabilityEpsilon
        guard score >= lowest, score <= highest else {
            if gradient { scores.update(repeating: 0, count: width) }
            let clipped = min(max(score, lowest), highest)
            return focalAlpha * focalWeight(1 - clipped) * -log(clipped)
        }
        // 1 - p from the other scores: accurate even when p is within a few ulps of 1.
        var rest: Float = 0
        for index in 0..<width where index != target { rest += scores[index] }
        let weight = focalWeight(rest)
        let logScore = log(score)
        guard gradient else { return focalAlpha * weight * -logScore }
        // d loss / d p_t times p_t; the softmax then gives p_t(δ_kt - p_k) times d loss / d p_t.
        let slopeTimesScore = focalAlpha * (focalGamma * weight * score * logScore / rest - weight) * scale
        for index in 0..<width { scores[index] *= -slopeTimesScore }
        scores[target] = slopeTimesScore * rest
        return focalAlpha * weight * -logScore
    }

    /// `(1 - p)^γ`: for the model zoo's γ = 0.25 two square roots, which make the loss about 25 % faster than `pow`.
    @inline(__always)
    private func focalWeight(_ rest: Float) -> Float {
        focalGamma == 0.25 ? rest.squareRoot().squareRoot() : pow(rest, focalGamma)
    }

    /// Smooth L1 over the four offsets of a positive anchor, writing `d loss / d offset` when asked.
    @inline(__always)
    private func smoothL1(_ targets: UnsafePointer<Float>, _ predictions: UnsafePointer<Float>, scale: Float,
                          gradient: UnsafeMutablePointer<Float>?) -> Float {
        let squaredSigma = smoothL1Sigma * smoothL1Sigma
        let limit = 1 / squaredSigma
        var sum: Float = 0
        for coordinate in 0..<4 {
            let difference = targets[coordinate] - predictions[coordinate]
            let slope: Float
            if abs(difference) < limit {
                let scaled = smoothL1Sigma * difference
                sum += 0.5 * scaled * scaled
                slope = -squaredSigma * difference
            } else {
                sum += abs(difference) - 0.5 * limit
                slope = difference > 0 ? -1 : 1
            }
            gradient?[coordinate] = slope * scale
        }
        return sum
    }
}
