import Foundation

/// Keras BatchNormalization (momentum 0.99, epsilon 1e-3) after a convolution, optionally
/// followed by ReLU6, with the convolution's bias (if any) folded in here: the convolution
/// writes `x` without it. Training normalizes with the batch mean and biased variance of
/// `x + bias` over every pixel of every image and moves the moving statistics towards them;
/// inference uses the moving statistics.
struct BatchNormalization {
    static let momentum = 0.99
    static let epsilon = 1e-3

    let channels: Int
    /// Offsets in the trainable values.
    let gamma: Int
    let beta: Int
    let bias: Int?
    /// Offsets in the moving statistics.
    let movingMean: Int
    let movingVariance: Int
    let relu6: Bool
    /// Offset of this layer's record in each worker's statistics area: batch mean and inverse
    /// deviation, the affine factors of the forward pass and the three of the backward pass.
    var statisticsOffset = 0

    static func statisticsCount(channels: Int) -> Int { 7 * channels }

    /// Normalizes `x` (this worker's `pixels` rows) into `y`, which may be `x`.
    func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, pixels: Int, batchPixels: Int,
                 _ context: WorkerContext) {
        let C = channels, record = context.statistics + statisticsOffset
        let mean = record, inverseDeviation = record + C, scale = record + 2 * C, shift = record + 3 * C
        let parameters = context.parameters, moving = context.movingStatistics
        if context.training {
            let (batchMean, variance) = batchStatistics(x, pixels: pixels, context)
            for c in 0..<C {
                let inverse = 1 / (variance[c] + Self.epsilon).squareRoot()
                if context.worker == 0 {
                    let biasValue = Double(bias.map { parameters[$0 + c] } ?? 0)
                    let movingMeanValue = Double(moving[movingMean + c]), movingVarianceValue = Double(moving[movingVariance + c])
                    moving[movingMean + c] = Float(movingMeanValue - (movingMeanValue - (batchMean[c] + biasValue)) * (1 - Self.momentum))
                    moving[movingVariance + c] = Float(movingVarianceValue - (movingVarianceValue - variance[c]) * (1 - Self.momentum))
                }
                let factor = Double(parameters[gamma + c]) * inverse
                mean[c] = Float(batchMean[c])
                inverseDeviation[c] = Float(inverse)
                scale[c] = Float(factor)
                shift[c] = Float(Double(parameters[beta + c]) - batchMean[c] * factor)
            }
        } else {
            for c in 0..<C {
                let inverse = 1 / (Double(moving[movingVariance + c]) + Self.epsilon).squareRoot()
                let factor = Double(parameters[gamma + c]) * inverse
                let centre = Double(moving[movingMean + c]) - Double(bias.map { parameters[$0 + c] } ?? 0)
                scale[c] = Float(factor)
                shift[c] = Float(Double(parameters[beta + c]) - centre * factor)
            }
        }
        BatchNormKernels.normalize(x, into: y, pixels: pixels, channels: C, scale: scale, shift: shift, relu6: relu6)
    }

    /// Mean and biased variance of `x` per channel over the whole batch. Each worker sums
    /// deviations from its first pixel (so no cancellation however far the mean is from zero),
    /// and the workers' means and squared-deviation sums are merged exactly (Chan et al.).
    /// Returns pointers into `context.sums`: means at 0, variances at C.
    private func batchStatistics(_ x: UnsafePointer<Float>, pixels: Int, _ context: WorkerContext)
        -> (mean: UnsafeMutablePointer<Double>, variance: UnsafeMutablePointer<Double>) {
        let C = channels, sums = context.sums, shift = context.statistics + statisticsOffset
        // Published per worker: pixel count, then C means, then C squared-deviation sums.
        sums.update(repeating: 0, count: 2 * C + 1)
        if pixels > 0 {
            shift.update(from: x, count: C)
            BatchNormKernels.accumulateShiftedSums(x, pixels: pixels, channels: C, shift: shift, sums: sums + 1)
            let count = Double(pixels)
            for c in 0..<C {
                let sum = sums[1 + c], squares = sums[1 + C + c]
                sums[1 + c] = Double(shift[c]) + sum / count
                sums[1 + C + c] = max(squares - sum * sum / count, 0)
            }
            sums[0] = count
        }
        let all = context.team.exchange(sums, count: 2 * C + 1, worker: context.worker)
        let workers = context.team.count
        var total = 0.0
        for w in 0..<workers { total += all.base[w * all.stride] }
        let mean = sums + 1, squares = sums + 1 + C
        for c in 0..<C {
            var weighted = 0.0
            for w in 0..<workers {
                let slot = all.base + w * all.stride
                weighted += slot[0] * slot[1 + c]
            }
            let batchMean = weighted / total
            var deviations = 0.0
            for w in 0..<workers {
                let slot = all.base + w * all.stride
                guard slot[0] > 0 else { continue }
                let offset = slot[1 + c] - batchMean
                deviations += slot[1 + C + c] + slot[0] * offset * offset
            }
            mean[c] = batchMean
            squares[c] = deviations / total
        }
        return (mean, squares)
    }

    /// Turns the output gradient `dy` into the gradient of `x` in place, and stores the
    /// gradients of gamma, beta and the bias (the whole batch's, by worker 0).
    func backward(_ dy: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, pixels: Int, batchPixels: Int,
                  _ context: WorkerContext) {
        let C = channels, record = context.statistics + statisticsOffset
        let mean = record, inverseDeviation = record + C, scale = record + 2 * C, shift = record + 3 * C
        let a = record + 4 * C, b = record + 5 * C, k = record + 6 * C
        let sums = context.sums
        sums.update(repeating: 0, count: 3 * C)
        BatchNormKernels.accumulateGradientSums(dy, x, pixels: pixels, channels: C, scale: scale, shift: shift,
                                                mean: mean, relu6: relu6, sums: sums)
        context.team.sumAcrossWorkers(sums, count: 3 * C, worker: context.worker)
        let count = Double(max(batchPixels, 1))
        let ownsTotals = context.worker == 0
        for c in 0..<C {
            let gradientSum = sums[c], productSum = sums[C + c], centredSum = sums[2 * C + c]
            let inverse = Double(inverseDeviation[c]), factor = Double(context.parameters[gamma + c]) * inverse
            let aValue = factor, bValue = -factor * inverse * inverse * productSum / count
            let kValue = -factor * gradientSum / count
            a[c] = Float(aValue)
            b[c] = Float(bValue)
            k[c] = Float(kValue)
            context.storeParameterGradient(ownsTotals ? Float(productSum * inverse) : 0, at: gamma + c)
            context.storeParameterGradient(ownsTotals ? Float(gradientSum) : 0, at: beta + c)
            if let bias {
                // The sum of dx over the batch: zero up to rounding, as batch statistics absorb any bias.
                let total = aValue * gradientSum + bValue * centredSum + kValue * count
                context.storeParameterGradient(ownsTotals ? Float(total) : 0, at: bias + c)
            }
        }
        BatchNormKernels.inputGradient(dy, x, into: dy, pixels: pixels, channels: C, scale: scale, shift: shift,
                                       mean: mean, a: a, b: b, k: k, relu6: relu6)
    }
}
