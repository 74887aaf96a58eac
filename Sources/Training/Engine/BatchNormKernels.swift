/// Batch-normalization passes over a `[pixels, channels]` matrix (NHWC activations of a worker's
/// images). Statistics go through Double partial sums; rows are summed in Float in short runs
/// first so the Double work stays small.
enum BatchNormKernels {
    /// Rows summed in Float before the run's total goes into the Double sums.
    static let rowRun = 64

    /// `sums[c] += Σ (x - shift[c])`, `sums[C + c] += Σ (x - shift[c])²` over all pixels. A shift
    /// near the mean keeps the variance `E[d²] - E[d]²` free of cancellation.
    static func accumulateShiftedSums(
        _ x: UnsafePointer<Float>, pixels: Int, channels: Int, shift: UnsafePointer<Float>,
        sums: UnsafeMutablePointer<Double>
    ) {
        var first = 0
        while first < pixels {
            let rows = min(rowRun, pixels - first)
            let run = x + first * channels
            var c = 0
            while c + 8 <= channels {
                let k = load8(shift + c)
                // Two rows per iteration: independent sums hide the add latency.
                var sum = Float8(repeating: 0), squares = sum, sum2 = sum, squares2 = sum
                var p = run + c
                for _ in 0..<rows / 2 {
                    let d = load8(p) - k, e = load8(p + channels) - k
                    sum += d
                    squares = squares.addingProduct(d, d)
                    sum2 += e
                    squares2 = squares2.addingProduct(e, e)
                    p += 2 &* channels
                }
                if rows & 1 == 1 {
                    let d = load8(p) - k
                    sum += d
                    squares = squares.addingProduct(d, d)
                }
                sum += sum2
                squares += squares2
                for lane in 0..<8 {
                    sums[c + lane] += Double(sum[lane])
                    sums[channels + c + lane] += Double(squares[lane])
                }
                c += 8
            }
            while c < channels {
                var sum: Float = 0, squares: Float = 0
                for row in 0..<rows {
                    let d = run[row * channels + c] - shift[c]
                    sum += d
                    squares += d * d
                }
                sums[c] += Double(sum)
                sums[channels + c] += Double(squares)
                c += 1
            }
            first += rows
        }
    }

    /// `y = x * scale + shift`, clamped to [0, 6] with `relu6`; `y` may be `x`.
    static func normalize(
        _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, pixels: Int, channels: Int,
        scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, relu6 clamps: Bool
    ) {
        if clamps {
            normalize(x, y, pixels, channels, scale, shift, clamp: true)
        } else {
            normalize(x, y, pixels, channels, scale, shift, clamp: false)
        }
    }

    @inline(__always)
    private static func normalize(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ pixels: Int, _ channels: Int,
        _ scale: UnsafePointer<Float>, _ shift: UnsafePointer<Float>, clamp: Bool
    ) {
        for p in 0..<pixels {
            let row = x + p * channels, out = y + p * channels
            var c = 0
            while c + 8 <= channels {
                let v = load8(shift + c).addingProduct(load8(row + c), load8(scale + c))
                store8(clamp ? relu6(v) : v, out + c)
                c += 8
            }
            while c < channels {
                let v = row[c] * scale[c] + shift[c]
                out[c] = clamp ? relu6(v) : v
                c += 1
            }
        }
    }

    /// First backward pass. With `g` the output gradient passed by ReLU6 (whose input is
    /// `x * scale + shift`) or `dy` itself: `sums[c] += Σ g`, `sums[C + c] += Σ g (x - mean)`,
    /// `sums[2C + c] += Σ (x - mean)`.
    static func accumulateGradientSums(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, pixels: Int, channels: Int,
        scale: UnsafePointer<Float>, shift: UnsafePointer<Float>, mean: UnsafePointer<Float>,
        relu6 clamps: Bool, sums: UnsafeMutablePointer<Double>
    ) {
        var first = 0
        while first < pixels {
            let rows = min(rowRun, pixels - first)
            let offset = first * channels
            var c = 0
            while c + 8 <= channels {
                let s = load8(scale + c), t = load8(shift + c), m = load8(mean + c)
                var gradient = Float8(repeating: 0), product = gradient, centred = gradient
                var gradient2 = gradient, product2 = gradient, centred2 = gradient
                var index = offset + c
                // Two rows per iteration: independent sums hide the add latency.
                for _ in 0..<rows / 2 {
                    let xv = load8(x + index), xw = load8(x + (index &+ channels))
                    var g = load8(dy + index), h = load8(dy + (index &+ channels))
                    if clamps {
                        g = relu6Gradient(g, preActivation: t.addingProduct(xv, s))
                        h = relu6Gradient(h, preActivation: t.addingProduct(xw, s))
                    }
                    let d = xv - m, e = xw - m
                    gradient += g
                    product = product.addingProduct(g, d)
                    centred += d
                    gradient2 += h
                    product2 = product2.addingProduct(h, e)
                    centred2 += e
                    index &+= 2 &* channels
                }
                if rows & 1 == 1 {
                    let xv = load8(x + index)
                    var g = load8(dy + index)
                    if clamps { g = relu6Gradient(g, preActivation: t.addingProduct(xv, s)) }
                    let d = xv - m
                    gradient += g
                    product = product.addingProduct(g, d)
                    centred += d
                }
                gradient += gradient2
                product += product2
                centred += centred2
                for lane in 0..<8 {
                    sums[c + lane] += Double(gradient[lane])
                    sums[channels + c + lane] += Double(product[lane])
                    sums[2 * channels + c + lane] += Double(centred[lane])
                }
                c += 8
            }
            while c < channels {
                var gradient: Float = 0, product: Float = 0, centred: Float = 0
                for row in 0..<rows {
                    let index = offset + row * channels + c
                    var g = dy[index]
                    if clamps { g = relu6Gradient(g, preActivation: x[index] * scale[c] + shift[c]) }
                    let d = x[index] - mean[c]
                    gradient += g
                    product += g * d
                    centred += d
                }
                sums[c] += Double(gradient)
                sums[channels + c] += Double(product)
                sums[2 * channels + c] += Double(centred)
                c += 1
            }
            first += rows
        }
    }

    /// Second backward pass: `dx = a g + b (x - mean) + k` per channel, `g` as in
    /// `accumulateGradientSums`; `dx` may be `dy`.
    static func inputGradient(
        _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
        pixels: Int, channels: Int, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
        mean: UnsafePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        k: UnsafePointer<Float>, relu6 clamps: Bool
    ) {
        for p in 0..<pixels {
            let index = p * channels
            var c = 0
            while c + 8 <= channels {
                let xv = load8(x + index + c)
                var g = load8(dy + index + c)
                if clamps { g = relu6Gradient(g, preActivation: load8(shift + c).addingProduct(xv, load8(scale + c))) }
                let d = xv - load8(mean + c)
                let value = load8(k + c).addingProduct(load8(a + c), g).addingProduct(load8(b + c), d)
                store8(value, dx + index + c)
                c += 8
            }
            while c < channels {
                var g = dy[index + c]
                if clamps { g = relu6Gradient(g, preActivation: x[index + c] * scale[c] + shift[c]) }
                dx[index + c] = a[c] * g + b[c] * (x[index + c] - mean[c]) + k[c]
                c += 1
            }
        }
    }
}
