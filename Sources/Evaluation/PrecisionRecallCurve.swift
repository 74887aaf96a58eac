/// Precision and recall after each ranked detection, from its TP/FP marks, in Double as NumPy's
/// cumulative sums and divisions give them (recall is NaN when there is no ground truth).
func precisionRecallCurve(_ isTruePositive: [Bool], groundTruths: Int) -> (precisions: [Double], recalls: [Double]) {
    var precisions: [Double] = []
    var recalls: [Double] = []
    var truePositives = 0.0
    var falsePositives = 0.0
    for hit in isTruePositive {
        if hit { truePositives += 1 } else { falsePositives += 1 }
        precisions.append(truePositives / (truePositives + falsePositives))
        recalls.append(truePositives / Double(groundTruths))
    }
    return (precisions, recalls)
}
