import Foundation

/// Starts the class heads predicting background with probability `probability` (RetinaNet's prior
/// initialization) instead of uniformly: the zoo's zero start spends thousands of Adam steps, each
/// at most the learning rate, just moving the background logits of ~4,000 negative anchors.
enum BackgroundPrior {
    static func apply(_ probability: Float, to network: SSDNetwork) {
        let classes = network.classesPerAnchor
        let logit = Float(log(Double(probability) * Double(classes - 1) / Double(1 - probability)))
        for entry in network.parameterTable.entries
        where entry.role == .batchNormBeta && entry.name.hasPrefix("cls_pred_") {
            // Head channels are anchor-major: channel a * classes + c, background c = 0.
            for channel in stride(from: 0, to: entry.count, by: classes) { network.parameters[entry.offset + channel] = logit }
        }
    }
}
