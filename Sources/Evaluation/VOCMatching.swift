/// Each ranked detection of one class marked true (TP) or false (FP) positive the model zoo's way:
/// it goes to the ground truth of its image with the highest IoU (the first on ties), matched
/// before or not; TP if that IoU reaches the threshold and the ground truth was still free.
func vocTruePositives(_ ranked: [RankedDetection], classIndex: Int, in results: [ImageResult],
                      iouThreshold: Double) -> [Bool] {
    let groundTruths = results.map { result in
        result.groundTruths.filter { $0.classIndex == classIndex }
            .map { PixelBox($0, imageWidth: result.imageWidth, imageHeight: result.imageHeight) }
    }
    var taken = groundTruths.map { [Bool](repeating: false, count: $0.count) }
    return ranked.map { candidate in
        let result = results[candidate.imageIndex]
        let box = PixelBox(candidate.detection.box, imageWidth: result.imageWidth, imageHeight: result.imageHeight)
        // Python starts from sys.float_info.min, so an IoU of 0 never selects a ground truth.
        var bestIoU = Double.leastNormalMagnitude
        var best: Int?
        for (index, truth) in groundTruths[candidate.imageIndex].enumerated() {
            let iou = box.intersectionOverUnion(with: truth)
            if iou > bestIoU {
                bestIoU = iou
                best = index
            }
        }
        guard let best, bestIoU >= iouThreshold, !taken[candidate.imageIndex][best] else { return false }
        taken[candidate.imageIndex][best] = true
        return true
    }
}
