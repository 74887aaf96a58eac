import Foundation

/// The model's last classification step in float: softmax over each anchor's `1 + classes` logits
/// (background first). The loss and float evaluation both use it, so they see the same scores.
public enum ClassSoftmax {
    /// Writes the scores of every row of `modelClassCount` logits into `scores` (same layout; may be
    /// the same memory as `classLogits`).
    public static func scores(classLogits: UnsafeBufferPointer<Float>, modelClassCount: Int,
                              into scores: UnsafeMutableBufferPointer<Float>) {
        precondition(modelClassCount > 0 && classLogits.count % modelClassCount == 0 && scores.count == classLogits.count,
                     "logits and scores must hold whole rows of the same shape")
        guard let logits = classLogits.baseAddress, let output = scores.baseAddress else { return }
        for row in stride(from: 0, to: classLogits.count, by: modelClassCount) {
            softmaxRow(logits + row, modelClassCount, into: output + row)
        }
    }

    /// Softmax of one row, shifted by its maximum so no exponent overflows.
    @inline(__always)
    static func softmaxRow(_ logits: UnsafePointer<Float>, _ count: Int, into scores: UnsafeMutablePointer<Float>) {
        var largest = logits[0]
        for index in 1..<count { largest = max(largest, logits[index]) }
        var sum: Float = 0
        for index in 0..<count {
            let power = exp(logits[index] - largest)
            scores[index] = power
            sum += power
        }
        for index in 0..<count { scores[index] /= sum }
    }
}
