import Foundation
import Training

/// Turns a trainer's events into progress bars and one line per epoch, all on stderr.
final class TrainingReporter {
    private var bar: ProgressBar?
    private var barKey = ""
    private var barDone = 0

    func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    func report(_ event: TrainingEvent) {
        switch event {
        case .loadingImages(let split, let done, let total):
            advance(key: "load \(split)", label: "load \(split)", total: total, unit: "img", to: done)
        case .epochStarted(let epoch, let epochs, let batches):
            advance(key: "epoch \(epoch)", label: "epoch \(epoch)/\(epochs)", total: batches, unit: "batch", to: 0)
        case .batch(let epoch, let epochs, let batch, let batches, let loss, let imagesPerSecond):
            advance(key: "epoch \(epoch)", label: "epoch \(epoch)/\(epochs)", total: batches, unit: "batch", to: batch,
                    detail: String(format: "loss %.4f  %.1f img/s", loss, imagesPerSecond))
        case .validating(let epoch, let done, let total):
            advance(key: "validate \(epoch)", label: "validate", total: total, unit: "img", to: done)
        case .epochFinished(let row, let isBest):
            bar = nil
            note(String(format: "epoch %d: train loss %.4f  val loss %.4f  val AP %.4f  lr %.2e  %.1f img/s  %.0f s%@",
                        row.epoch, row.trainLoss, row.validationLoss, row.validationAP, row.learningRate, row.imagesPerSecond,
                        row.seconds, isBest ? "  (best)" : ""))
        }
    }

    private func advance(key: String, label: String, total: Int, unit: String, to done: Int, detail: String = "") {
        if bar == nil || barKey != key {
            bar = ProgressBar(total: total, label: label, unit: unit)
            barKey = key
            barDone = 0
        }
        guard done > barDone else { return }
        bar?.advance(by: done - barDone, detail: detail)
        barDone = done
    }
}
