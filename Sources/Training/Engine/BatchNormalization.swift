/// Keras BatchNormalization (momentum 0.99, epsilon 1e-3) after a convolution, optionally
/// followed by ReLU6, with the convolution's bias (if any) folded in here: the convolution
/// writes `x` without it. Training normalizes with the batch mean and biased variance of
/// `x + bias` over every pixel of every image and moves the moving statistics towards them;
/// inference uses the moving statistics.
///
/// The passes come in steps so that a convolution can hand over each chunk of its output (or
/// take each chunk of its input gradient) while the chunk is still in cache:
/// training forward `startStatistics`, `addStatistics` per chunk, `finishStatistics`, then
/// `normalize`; inference `useMovingStatistics`, then `normalize`; backward
/// `prepareGradient` over everything, then `inputGradient` per chunk.
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

    private struct Record {
        let mean, inverseDeviation, scale, shift, a, b, k: UnsafeMutablePointer<Float>
    }

    private func record(_ context: WorkerContext) -> Record {
        let base = context.statistics + statisticsOffset, C = channels
        return Record(mean: base, inverseDeviation: base + C, scale: base + 2 * C, shift: base + 3 * C,
                      a: base + 4 * C, b: base + 5 * C, k: base + 6 * C)
    }

    private func biasValue(_ c: Int, _ context: WorkerContext) -> Double {
        Double(bias.map { context.parameters[$0 + c] } ?? 0)
    }

    /// Clears this worker's sums. Until `finishStatistics`, `context.sums` holds the pixel count,
    /// then the sums of deviations from the worker's first pixel, then of their squares (the
    /// first pixel is near the mean, so the variance `E[d²] - E[d]²` does not cancel).
    func startStatistics(_ context: WorkerContext) {
        context.sums.update(repeating: 0, count: 2 * channels + 1)
    }

    /// Adds `rows` pixels of `x`.
    func addStatistics(_ x: UnsafePointer<Float>, rows: Int, _ context: WorkerContext) {
        guard rows > 0 else { return }
        let sums = context.sums, shift = record(context).mean
        if sums[0] == 0 { shift.update(from: x, count: channels) }
        BatchNormKernels.accumulateShiftedSums(x, pixels: rows, channels: channels, shift: shift, sums: sums + 1)
        sums[0] += Double(rows)
    }

    /// Merges the workers' sums into the batch mean and biased variance (exactly, as Chan et
    /// al.), moves the moving statistics (worker 0) and sets the normalization's factors.
    func finishStatistics(_ context: WorkerContext) {
        let C = channels, sums = context.sums, r = record(context)
        if sums[0] > 0 {
            let count = sums[0]
            for c in 0..<C {
                let sum = sums[1 + c], squares = sums[1 + C + c]
                sums[1 + c] = Double(r.mean[c]) + sum / count
                sums[1 + C + c] = max(squares - sum * sum / count, 0)
            }
        }
        let all = context.team.exchange(sums, count: 2 * C + 1, worker: context.worker)
        let workers = context.team.count
        var total = 0.0
        for w in 0..<workers { total += all.base[w * all.stride] }
        let parameters = context.parameters, moving = context.movingStatistics
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
            let variance = deviations / total
            let inverse = 1 / (variance + Self.epsilon).squareRoot()
            if context.worker == 0 {
                let meanValue = Double(moving[movingMean + c]), varianceValue = Double(moving[movingVariance + c])
                moving[movingMean + c] = Float(meanValue - (meanValue - (batchMean + biasValue(c, context))) * (1 - Self.momentum))
                moving[movingVariance + c] = Float(varianceValue - (varianceValue - variance) * (1 - Self.momentum))
            }
            let factor = Double(parameters[gamma + c]) * inverse
            r.mean[c] = Float(batchMean)
            r.inverseDeviation[c] = Float(inverse)
            r.scale[c] = Float(factor)
            r.shift[c] = Float(Double(parameters[beta + c]) - batchMean * factor)
        }
    }

    /// Sets the normalization's factors from the moving statistics (inference).
    func useMovingStatistics(_ context: WorkerContext) {
        let r = record(context), parameters = context.parameters, moving = context.movingStatistics
        for c in 0..<channels {
            let inverse = 1 / (Double(moving[movingVariance + c]) + Self.epsilon).squareRoot()
            let factor = Double(parameters[gamma + c]) * inverse
            let centre = Double(moving[movingMean + c]) - biasValue(c, context)
            r.scale[c] = Float(factor)
            r.shift[c] = Float(Double(parameters[beta + c]) - centre * factor)
        }
    }

    /// `y = x * scale + shift` (ReLU6 applied) for `rows` pixels; `y` may be `x`.
    func normalize(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, _ context: WorkerContext) {
        let r = record(context)
        BatchNormKernels.normalize(x, into: y, pixels: rows, channels: channels, scale: r.scale, shift: r.shift,
                                   relu6: relu6)
    }

    /// Statistics, then normalization, of this worker's `rows` pixels of `x` in one go.
    func forward(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, rows: Int, _ context: WorkerContext) {
        if context.training {
            startStatistics(context)
            addStatistics(x, rows: rows, context)
            finishStatistics(context)
        } else {
            useMovingStatistics(context)
        }
        normalize(x, into: y, rows: rows, context)
    }

    /// First backward step, over all of this worker's `rows` pixels of the output gradient `dy`
    /// and of `x`: the whole batch's sums, the gradients of gamma, beta and bias (stored by
    /// worker 0) and the factors of `inputGradient`.
    func prepareGradient(_ dy: UnsafePointer<Float>, x: UnsafePointer<Float>, rows: Int, batchPixels: Int,
                         _ context: WorkerContext) {
        let C = channels, r = record(context), sums = context.sums
        sums.update(repeating: 0, count: 3 * C)
        BatchNormKernels.accumulateGradientSums(dy, x, pixels: rows, channels: C, scale: r.scale, shift: r.shift,
                                                mean: r.mean, relu6: relu6, sums: sums)
        context.team.sumAcrossWorkers(sums, count: 3 * C, worker: context.worker)
        let count = Double(max(batchPixels, 1))
        let ownsTotals = context.worker == 0
        for c in 0..<C {
            let gradientSum = sums[c], productSum = sums[C + c], centredSum = sums[2 * C + c]
            let inverse = Double(r.inverseDeviation[c]), factor = Double(context.parameters[gamma + c]) * inverse
            let aValue = factor, bValue = -factor * inverse * inverse * productSum / count
            let kValue = -factor * gradientSum / count
            r.a[c] = Float(aValue)
            r.b[c] = Float(bValue)
            r.k[c] = Float(kValue)
            context.storeParameterGradient(ownsTotals ? Float(productSum * inverse) : 0, at: gamma + c)
            context.storeParameterGradient(ownsTotals ? Float(gradientSum) : 0, at: beta + c)
            if let bias {
                // The sum of dx over the batch: zero up to rounding, as batch statistics absorb any bias.
                let total = aValue * gradientSum + bValue * centredSum + kValue * count
                context.storeParameterGradient(ownsTotals ? Float(total) : 0, at: bias + c)
            }
        }
    }

    /// Turns `rows` pixels of the output gradient `dy` into the gradient of `x`, in place.
    func inputGradient(_ dy: UnsafeMutablePointer<Float>, x: UnsafePointer<Float>, rows: Int, _ context: WorkerContext) {
        let r = record(context)
        BatchNormKernels.inputGradient(dy, x, into: dy, pixels: rows, channels: channels, scale: r.scale, shift: r.shift,
                                       mean: r.mean, a: r.a, b: r.b, k: r.k, relu6: relu6)
    }
}
