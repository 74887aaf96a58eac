/// Pascal-VOC average precision per class exactly as the STM32 model zoo computes it, plus a
/// COCO-style mAP@[.50:.95]. Classes are those with a ground truth or a detection, by index;
/// `classNames[i]` names class `i` ("class i" past the end of the list).
///
/// The model zoo's conventions: boxes become whole-pixel `PixelBox`es ("+1 pixel" IoU); detections
/// of a class are ranked by score, equal scores in image then list order; each goes to the ground
/// truth of its image with the highest IoU, TP if that IoU >= `iouThreshold` and the ground truth is
/// still free, else FP. A class without ground truth gets AP 0 (the model zoo's `check()` of a NaN AP);
/// mAP is the plain mean over the classes.
public func evaluate(_ results: [ImageResult], classNames: [String], iouThreshold: Double = 0.4,
                     interpolation: APInterpolation = .everyPoint) -> EvaluationReport {
    let present = Set(results.flatMap { $0.groundTruths.map(\.classIndex) + $0.detections.map(\.classIndex) }).sorted()
    let classes = present.map { classIndex in
        let ranked = results.rankedDetections(of: classIndex)
        let hits = vocTruePositives(ranked, classIndex: classIndex, in: results, iouThreshold: iouThreshold)
        let groundTruths = results.reduce(0) { $0 + $1.groundTruths.count { $0.classIndex == classIndex } }
        let curve = precisionRecallCurve(hits, groundTruths: groundTruths)
        let truePositives = hits.count { $0 }
        let averagePrecision = interpolation.averagePrecision(precisions: curve.precisions, recalls: curve.recalls)
        return ClassResult(
            classIndex: classIndex,
            name: classNames.indices.contains(classIndex) ? classNames[classIndex] : "class \(classIndex)",
            averagePrecision: groundTruths == 0 ? 0 : averagePrecision,
            truePositives: truePositives, falsePositives: hits.count - truePositives, groundTruths: groundTruths,
            cocoAveragePrecision: cocoAveragePrecision(ranked, classIndex: classIndex, in: results),
            precisions: curve.precisions, recalls: curve.recalls)
    }
    let cocoValues = classes.compactMap(\.cocoAveragePrecision)
    return EvaluationReport(
        meanAveragePrecision: classes.isEmpty ? 0 : classes.reduce(0) { $0 + $1.averagePrecision } / Double(classes.count),
        cocoMeanAveragePrecision: cocoValues.isEmpty ? 0 : cocoValues.reduce(0, +) / Double(cocoValues.count),
        iouThreshold: iouThreshold, interpolation: interpolation, classes: classes)
}
