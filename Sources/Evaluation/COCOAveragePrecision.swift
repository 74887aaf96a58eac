import Detection

/// COCO-style average precision of one class, with TinySSD's own conventions (not pycocotools' code):
/// - boxes in float pixels: ground truths at `(cx ∓ w/2)·W`, `(cy ∓ h/2)·H`, unrounded and unclamped;
///   IoU of the areas, without the "+1 pixel" of the VOC metric;
/// - 10 IoU thresholds, 0.50, 0.55, ..., 0.95;
/// - greedy matching by score (the VOC metric's stable ranking): each detection takes the still-free
///   ground truth of its image with the highest IoU (the first on ties) if that IoU reaches the threshold;
/// - 101-point interpolation: the precision envelope at recall 0, 0.01, ..., 1, 0 where recall never gets there;
/// - no crowd regions, no area ranges, no cap on detections per image.
/// The result is the mean over the 10 thresholds; nil when the class has no ground truth.
func cocoAveragePrecision(_ ranked: [RankedDetection], classIndex: Int, in results: [ImageResult]) -> Double? {
    let groundTruths = results.map { result in
        result.groundTruths.filter { $0.classIndex == classIndex }
            .map { pixelCorners($0, imageWidth: result.imageWidth, imageHeight: result.imageHeight) }
    }
    let groundTruthCount = groundTruths.reduce(0) { $0 + $1.count }
    guard groundTruthCount > 0 else { return nil }
    let overlaps = ranked.map { candidate in
        groundTruths[candidate.imageIndex].map { Double(candidate.detection.box.intersectionOverUnion(with: $0)) }
    }
    var total = 0.0
    for step in 0..<10 {
        let threshold = 0.5 + 0.05 * Double(step)
        var taken = groundTruths.map { [Bool](repeating: false, count: $0.count) }
        let hits = ranked.indices.map { rank in
            let image = ranked[rank].imageIndex
            var best: Int?
            for (index, iou) in overlaps[rank].enumerated() where !taken[image][index] && iou >= threshold {
                if best.map({ iou > overlaps[rank][$0] }) ?? true { best = index }
            }
            guard let best else { return false }
            taken[image][best] = true
            return true
        }
        let curve = precisionRecallCurve(hits, groundTruths: groundTruthCount)
        total += hundredOnePointAP(precisions: curve.precisions, recalls: curve.recalls)
    }
    return total / 10
}

private func pixelCorners(_ object: LabeledObject, imageWidth: Int, imageHeight: Int) -> BoundingBox {
    let width = Double(imageWidth)
    let height = Double(imageHeight)
    return BoundingBox(x0: Float((object.centerX - object.width / 2) * width),
                       y0: Float((object.centerY - object.height / 2) * height),
                       x1: Float((object.centerX + object.width / 2) * width),
                       y1: Float((object.centerY + object.height / 2) * height))
}

private func hundredOnePointAP(precisions: [Double], recalls: [Double]) -> Double {
    var envelope = precisions
    for i in stride(from: envelope.count - 2, through: 0, by: -1) {
        envelope[i] = max(envelope[i], envelope[i + 1])
    }
    var total = 0.0
    var rank = 0
    for step in 0...100 {
        let level = Double(step) / 100
        while rank < recalls.count && recalls[rank] < level { rank += 1 }
        if rank < recalls.count { total += envelope[rank] }
    }
    return total / 101
}
