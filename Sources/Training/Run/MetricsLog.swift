import Foundation

/// The per-epoch metrics of a run as CSV (`metrics.csv`), easy to read from a spreadsheet or pandas.
public enum MetricsLog {
    public static let header = "epoch,train_loss,val_loss,val_ap,learning_rate,images_per_second,seconds"

    public static func csv(_ rows: [EpochMetrics]) -> String {
        ([header] + rows.map { row in
            [String(row.epoch), "\(row.trainLoss)", "\(row.validationLoss)", "\(row.validationAP)", "\(row.learningRate)",
             String(format: "%.2f", row.imagesPerSecond), String(format: "%.2f", row.seconds)].joined(separator: ",")
        }).joined(separator: "\n") + "\n"
    }

    /// Parses a file written by `csv`, naming the line of any malformed row.
    public static func parse(_ text: String, path: String) throws(TrainingError) -> [EpochMetrics] {
        var rows: [EpochMetrics] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || (index == 0 && trimmed == header) { continue }
            let fields = trimmed.split(separator: ",").map { Double($0) }
            guard fields.count == 7, fields.allSatisfy({ $0 != nil }), let epoch = fields[0], epoch == epoch.rounded() else {
                throw .badFile(path: path, line: index + 1, reason: "expected 7 numbers: \(header)")
            }
            let v = fields.map { $0 ?? 0 }
            rows.append(EpochMetrics(epoch: Int(epoch), trainLoss: v[1], validationLoss: v[2], validationAP: v[3],
                                     learningRate: v[4], imagesPerSecond: v[5], seconds: v[6]))
        }
        return rows
    }
}
