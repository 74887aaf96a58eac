/// One pixel-value step of the augmentation, with its drawn parameters. Each works on 0...255 floats
/// and clamps back into that range, as the zoo's 8-bit pipeline saturates after every step (we do
/// not round to whole values in between).
enum PhotometricStep: Equatable, Sendable {
    case multiply(Float)
    case blur(sigma: Float)
    /// Gaussian noise of this standard deviation, the same value on the three channels of a pixel.
    case noise(sigma: Float)
    /// v -> 127.5 + factor (v - 127.5).
    case contrast(Float)
    /// Added to R, G and B.
    case add(SIMD3<Float>)

    /// Applies the step to an HWC image; `scratch` must hold as many values as the image.
    func apply(to pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int,
               scratch: UnsafeMutableBufferPointer<Float>, random: inout SeededRandom) {
        switch self {
        case .multiply(let factor):
            for i in 0..<pixels.count { pixels[i] = clamped(pixels[i] * factor) }
        case .blur(let sigma):
            gaussianBlur(pixels, width: width, height: height, sigma: sigma, scratch: scratch)
        case .noise(let sigma):
            let samples = UnsafeMutableBufferPointer(rebasing: scratch[0..<width * height])
            NormalTable.fill(samples, using: &random)
            for p in 0..<width * height {
                let n = sigma * samples[p]
                pixels[3 * p] = clamped(pixels[3 * p] + n)
                pixels[3 * p + 1] = clamped(pixels[3 * p + 1] + n)
                pixels[3 * p + 2] = clamped(pixels[3 * p + 2] + n)
            }
        case .contrast(let factor):
            for i in 0..<pixels.count { pixels[i] = clamped(127.5 + factor * (pixels[i] - 127.5)) }
        case .add(let offsets):
            for p in 0..<width * height {
                pixels[3 * p] = clamped(pixels[3 * p] + offsets.x)
                pixels[3 * p + 1] = clamped(pixels[3 * p + 1] + offsets.y)
                pixels[3 * p + 2] = clamped(pixels[3 * p + 2] + offsets.z)
            }
        }
    }
}

@inline(__always)
private func clamped(_ value: Float) -> Float {
    value < 0 ? 0 : (value > 255 ? 255 : value)
}
