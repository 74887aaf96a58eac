import Detection

/// A detection of one class with the image it belongs to, in the order the metric visits them.
struct RankedDetection {
    var imageIndex: Int
    var detection: Detection
}

extension [ImageResult] {
    /// The detections of `classIndex`, highest score first; equal scores keep image order, then list
    /// order (a stable descending sort, as Python's `sorted(..., reverse=True)`).
    func rankedDetections(of classIndex: Int) -> [RankedDetection] {
        let found = enumerated().flatMap { imageIndex, result in
            result.detections.filter { $0.classIndex == classIndex }
                .map { RankedDetection(imageIndex: imageIndex, detection: $0) }
        }
        return found.indices.sorted { a, b in
            let scoreA = rankingScore(found[a].detection.score)
            let scoreB = rankingScore(found[b].detection.score)
            return scoreA != scoreB ? scoreA > scoreB : a < b
        }.map { found[$0] }
    }
}

/// The model zoo's `check()` turns a NaN score into 0.
private func rankingScore(_ score: Float) -> Float { score.isNaN ? 0 : score }
