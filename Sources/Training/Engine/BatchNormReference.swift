/// Training-mode batch normalization (+ optional ReLU6) the textbook way, in Double: the
/// yardstick for `BatchNormKernels` and `BatchNormalization`.
enum BatchNormReference {
    /// `y` for `x` of `[pixels, channels]`, with the batch mean and biased variance.
    static func forward(x: [Float], channels: Int, gamma: [Float], beta: [Float], epsilon: Double, relu6: Bool)
        -> (y: [Float], mean: [Double], variance: [Double]) {
        let pixels = x.count / channels
        var mean = [Double](repeating: 0, count: channels), variance = mean
        for p in 0..<pixels { for c in 0..<channels { mean[c] += Double(x[p * channels + c]) } }
        for c in 0..<channels { mean[c] /= Double(pixels) }
        for p in 0..<pixels {
            for c in 0..<channels {
                let d = Double(x[p * channels + c]) - mean[c]
                variance[c] += d * d
            }
        }
        for c in 0..<channels { variance[c] /= Double(pixels) }
        var y = [Float](repeating: 0, count: x.count)
        for p in 0..<pixels {
            for c in 0..<channels {
                let normalized = (Double(x[p * channels + c]) - mean[c]) / (variance[c] + epsilon).squareRoot()
                let value = Double(gamma[c]) * normalized + Double(beta[c])
                y[p * channels + c] = Float(relu6 ? min(max(value, 0), 6) : value)
            }
        }
        return (y, mean, variance)
    }

    /// Gradients of `forward` with respect to `x`, gamma and beta.
    static func backward(x: [Float], outputGradient: [Float], channels: Int, gamma: [Float], beta: [Float],
                         epsilon: Double, relu6: Bool) -> (x: [Float], gamma: [Float], beta: [Float]) {
        let pixels = x.count / channels
        let (_, mean, variance) = forward(x: x, channels: channels, gamma: gamma, beta: beta, epsilon: epsilon, relu6: relu6)
        var gradientSum = [Double](repeating: 0, count: channels), productSum = gradientSum
        var passed = [Double](repeating: 0, count: x.count), normalized = passed
        for p in 0..<pixels {
            for c in 0..<channels {
                let index = p * channels + c
                normalized[index] = (Double(x[index]) - mean[c]) / (variance[c] + epsilon).squareRoot()
                let preActivation = Double(gamma[c]) * normalized[index] + Double(beta[c])
                passed[index] = !relu6 || (preActivation > 0 && preActivation < 6) ? Double(outputGradient[index]) : 0
                gradientSum[c] += passed[index]
                productSum[c] += passed[index] * normalized[index]
            }
        }
        var xGradient = [Float](repeating: 0, count: x.count)
        for p in 0..<pixels {
            for c in 0..<channels {
                let index = p * channels + c
                let factor = Double(gamma[c]) / (variance[c] + epsilon).squareRoot()
                let value = factor * (passed[index] - gradientSum[c] / Double(pixels)
                    - normalized[index] * productSum[c] / Double(pixels))
                xGradient[index] = Float(value)
            }
        }
        return (xGradient, productSum.map(Float.init), gradientSum.map(Float.init))
    }
}
