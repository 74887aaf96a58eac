import Detection
import Foundation

/// `SSDLoss`'s value computed in Double, step by step as the model zoo's Keras code does
/// (softmax, re-normalise, clip, focal term, smooth L1, batch normalisation): the oracle its
/// float value and its gradients (by central differences) are checked against.
func referenceSSDLoss(_ loss: SSDLoss, classLogits: [Double], boxOffsets: [Double], targets: [AnchorTargets]) -> Double {
    let anchorCount = targets.first?.anchorCount ?? 0
    guard anchorCount > 0 else { return 0 }
    let width = classLogits.count / (targets.count * anchorCount)
    let lowest = Double(SSDLoss.probabilityEpsilon)
    let highest = Double(1 - SSDLoss.probabilityEpsilon)
    let alpha = Double(loss.focalAlpha), gamma = Double(loss.focalGamma), sigma = Double(loss.smoothL1Sigma)
    var imageSums = [Double](repeating: 0, count: targets.count)
    var positives = 0
    for (image, imageTargets) in targets.enumerated() {
        var sum = 0.0
        defer { imageSums[image] = sum }
        for anchor in 0..<anchorCount {
            let row = image * anchorCount + anchor
            let logits = classLogits[row * width..<(row + 1) * width]
            let largest = logits.max()!
            let powers = logits.map { exp($0 - largest) }
            let scores = powers.map { $0 / powers.reduce(0, +) }
            let renormalised = scores.map { $0 / scores.reduce(0, +) }
            let clipped = renormalised.map { min(max($0, lowest), highest) }
            let target = Int(imageTargets.modelClasses[anchor])
            for modelClass in 0..<width {
                let truth: Double = modelClass == target ? 1 : 0
                sum += alpha * pow(1 - clipped[modelClass], gamma) * (-truth * log(clipped[modelClass]))
            }
            guard target > 0 else { continue }
            positives += 1
            for coordinate in 0..<4 {
                let difference = Double(imageTargets.boxOffsets[anchor * 4 + coordinate]) - boxOffsets[row * 4 + coordinate]
                sum += abs(difference) < 1 / (sigma * sigma)
                    ? 0.5 * (sigma * difference) * (sigma * difference)
                    : abs(difference) - 0.5 / (sigma * sigma)
            }
        }
    }
    let batchSize = Double(targets.count)
    // Keras: each image's loss is its sum over the batch positives times the batch size; then the mean.
    return imageSums.map { $0 / max(1, Double(positives)) * batchSize }.reduce(0, +) / batchSize
}
