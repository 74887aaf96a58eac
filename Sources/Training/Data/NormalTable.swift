import Foundation

/// Standard normal samples by table look-up: 4,096 quantiles (16 KB, so they stay in the L1 cache),
/// one picked by 12 random bits. Pixel noise needs tens of thousands of samples per image, and
/// Box-Muller's log/sqrt/cos per sample would cost more than the rest of the augmentation.
enum NormalTable {
    static let quantiles: [Float] = (0..<4096).map { i in Float(standardNormalQuantile((Double(i) + 0.5) / 4096)) }

    /// Fills `values` with standard normal samples, five per 64 random bits.
    static func fill(_ values: UnsafeMutableBufferPointer<Float>, using random: inout SeededRandom) {
        quantiles.withUnsafeBufferPointer { table in
            var i = 0
            while i < values.count {
                var bits = random.next()
                for _ in 0..<min(5, values.count - i) {
                    values[i] = table[Int(bits & 0xFFF)]
                    bits >>= 12
                    i += 1
                }
            }
        }
    }

    /// The x with P(N(0,1) < x) = p, by Newton steps on the normal distribution function.
    private static func standardNormalQuantile(_ p: Double) -> Double {
        var x = 0.0
        for _ in 0..<60 {
            let cdf = 0.5 * erfc(-x / 2.0.squareRoot())
            let density = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
            let step = (cdf - p) / density
            x -= max(-1, min(1, step))
            if abs(step) < 1e-12 { break }
        }
        return x
    }
}
