/// Thresholds of the post-processing: the model zoo evaluates AP with confidence 0.001 and NMS 0.5.
public struct PostProcessing: Equatable, Codable, Sendable {
    /// Scores strictly above this are kept.
    public var confidenceThreshold: Float
    /// A box whose IoU with a kept, higher-scoring box of its class is at least this is dropped.
    public var nmsThreshold: Float
    /// Keep only this many of each class, best first (nil keeps all, as the model zoo does): bounds
    /// the work when an untrained model scores every anchor above a low threshold.
    public var maxDetectionsPerClass: Int?

    public init(confidenceThreshold: Float = 0.5, nmsThreshold: Float = 0.5, maxDetectionsPerClass: Int? = nil) {
        self.confidenceThreshold = confidenceThreshold
        self.nmsThreshold = nmsThreshold
        self.maxDetectionsPerClass = maxDetectionsPerClass
    }
}

extension SSDOutput {
    /// Decodes boxes and applies per-class non-maximum suppression as the model zoo does.
    ///
    /// For every non-background class: keep scores above the confidence threshold, visit them by
    /// descending score (ties in anchor order, so results are deterministic), and drop each box
    /// overlapping an earlier kept one by at least the NMS threshold. Detections come out grouped
    /// by class, each group in anchor order.
    public func detections(imageWidth: Int, imageHeight: Int, postProcessing p: PostProcessing) -> [Detection] {
        var result: [Detection] = []
        for modelClass in 1..<classCount {
            var candidates: [(anchor: Int, score: Float, box: BoundingBox)] = []
            for anchor in 0..<anchorCount {
                let s = score(anchor: anchor, modelClass: modelClass)
                if s > p.confidenceThreshold {
                    candidates.append((anchor, s, decodedBox(anchor: anchor, imageWidth: imageWidth, imageHeight: imageHeight)))
                }
            }
            let order = candidates.indices.sorted { a, b in
                candidates[a].score != candidates[b].score ? candidates[a].score > candidates[b].score : a < b
            }
            var suppressed = [Bool](repeating: false, count: candidates.count)
            var kept = 0
            for (rank, i) in order.enumerated() where !suppressed[i] {
                if let limit = p.maxDetectionsPerClass, kept == limit {
                    for j in order[rank...] { suppressed[j] = true }
                    break
                }
                kept += 1
                for j in order[(rank + 1)...] where !suppressed[j] {
                    if overlap(candidates[i].box, candidates[j].box) >= Double(p.nmsThreshold) { suppressed[j] = true }
                }
            }
            for (i, candidate) in candidates.enumerated() where !suppressed[i] {
                result.append(Detection(classIndex: modelClass - 1, score: candidate.score, box: candidate.box,
                                        anchorIndex: candidate.anchor))
            }
        }
        return result
    }
}

/// IoU as the model zoo's `bbox_iou` computes it for NMS: float32 sides and areas, one float64
/// division (which decides ties against the threshold).
func overlap(_ a: BoundingBox, _ b: BoundingBox) -> Double {
    let width = max(min(a.x1, b.x1) - max(a.x0, b.x0), 0)
    let height = max(min(a.y1, b.y1) - max(a.y0, b.y0), 0)
    let intersection = width * height
    let union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - intersection
    return Double(intersection) / Double(union)
}
