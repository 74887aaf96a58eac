import Foundation

/// The normalised Gaussian weights for `sigma`, radius ceil(3 sigma) (at least 1).
func gaussianWeights(sigma: Float) -> [Float] {
    let radius = max(1, Int((3 * sigma).rounded(.up)))
    let weights = (-radius...radius).map { k in exp(-Float(k * k) / (2 * sigma * sigma)) }
    let total = weights.reduce(0, +)
    return weights.map { $0 / total }
}

/// A separable Gaussian blur of an HWC float image in place; edges repeat the border pixel.
/// `scratch` must hold as many values as the image. Vectorised; `gaussianBlurReference` is the plain
/// version it is tested against.
func gaussianBlur(_ pixels: UnsafeMutableBufferPointer<Float>, width: Int, height: Int, sigma: Float,
                  scratch: UnsafeMutableBufferPointer<Float>) {
    let weights = gaussianWeights(sigma: sigma), taps = weights.count, radius = taps / 2
    let rowLength = width * 3
    guard let image = pixels.baseAddress, let temporary = scratch.baseAddress else { return }
    let paddedLength = (width + 2 * radius) * 3
    let padded = UnsafeMutablePointer<Float>.allocate(capacity: paddedLength)
    let sources = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: taps)
    defer {
        padded.deallocate()
        sources.deallocate()
    }
    weights.withUnsafeBufferPointer { weights in
        guard let weights = weights.baseAddress else { return }
        // Horizontal pass into scratch, from a copy of each row padded with its edge pixels.
        for k in 0..<taps { sources[k] = UnsafePointer(padded + 3 * k) }
        for y in 0..<height {
            let row = image + y * rowLength
            (padded + radius * 3).update(from: row, count: rowLength)
            for x in 0..<radius {
                (padded + x * 3).update(from: row, count: 3)
                (padded + (radius + width + x) * 3).update(from: row + rowLength - 3, count: 3)
            }
            weightedSum(sources, weights, taps: taps, into: temporary + y * rowLength, count: rowLength)
        }
        // Vertical pass back into pixels: the taps are whole rows.
        for y in 0..<height {
            for k in 0..<taps { sources[k] = UnsafePointer(temporary + min(max(y + k - radius, 0), height - 1) * rowLength) }
            weightedSum(sources, weights, taps: taps, into: image + y * rowLength, count: rowLength)
        }
    }
}

/// output[i] = sum over k of weights[k] * sources[k][i], for i in 0..<count; 32 values at a time.
private func weightedSum(_ sources: UnsafePointer<UnsafePointer<Float>>, _ weights: UnsafePointer<Float>, taps: Int,
                         into output: UnsafeMutablePointer<Float>, count: Int) {
    @inline(__always) func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
    var i = 0
    while i + 32 <= count {
        var a = SIMD8<Float>(), b = a, c = a, d = a
        for k in 0..<taps {
            let w = SIMD8(repeating: weights[k]), source = sources[k] + i
            a = a.addingProduct(w, load(source))
            b = b.addingProduct(w, load(source + 8))
            c = c.addingProduct(w, load(source + 16))
            d = d.addingProduct(w, load(source + 24))
        }
        let target = UnsafeMutableRawPointer(output + i)
        target.storeBytes(of: a, as: SIMD8<Float>.self)
        target.storeBytes(of: b, toByteOffset: 32, as: SIMD8<Float>.self)
        target.storeBytes(of: c, toByteOffset: 64, as: SIMD8<Float>.self)
        target.storeBytes(of: d, toByteOffset: 96, as: SIMD8<Float>.self)
        i += 32
    }
    while i < count {
        var sum: Float = 0
        for k in 0..<taps { sum = sum.addingProduct(weights[k], sources[k][i]) }
        output[i] = sum
        i += 1
    }
}

/// The same blur, one value at a time, straight from the definition.
func gaussianBlurReference(_ pixels: inout [Float], width: Int, height: Int, sigma: Float) {
    let weights = gaussianWeights(sigma: sigma), radius = weights.count / 2
    var horizontal = pixels
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<3 {
                var sum: Float = 0
                for k in weights.indices { sum += weights[k] * pixels[(y * width + min(max(x + k - radius, 0), width - 1)) * 3 + c] }
                horizontal[(y * width + x) * 3 + c] = sum
            }
        }
    }
    for y in 0..<height {
        for x in 0..<width {
            for c in 0..<3 {
                var sum: Float = 0
                for k in weights.indices { sum += weights[k] * horizontal[(min(max(y + k - radius, 0), height - 1) * width + x) * 3 + c] }
                pixels[(y * width + x) * 3 + c] = sum
            }
        }
    }
}
