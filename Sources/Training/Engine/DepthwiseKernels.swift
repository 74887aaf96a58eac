/// Fast 3x3 depthwise convolution over NHWC images with channel blocks of eight as vectors:
/// rows whose taps all lie inside the image take an unrolled path with the block's nine filter
/// vectors in registers; border pixels and leftover channels take the plain loops.
/// `DepthwiseReference` computes the same values the obvious way.
enum DepthwiseKernels {
    /// `output[n, oy, ox, c] = Σ input[n, oy*s + ky - padTop, ox*s + kx - padLeft, c] * filter[ky, kx, c]`.
    static func forward(_ g: ConvolutionShape, images: Int, input: UnsafePointer<Float>,
                        filter: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let C = g.inputChannels, W = g.inputWidth, H = g.inputHeight
        let outputWidth = g.outputWidth, s = g.stride, interior = g.interiorColumns
        let vectorChannels = C & ~7
        for n in 0..<images {
            let image = input + n * H * W * C
            for oy in 0..<g.outputHeight {
                let iy0 = oy * s - g.padTop
                let outRow = output + ((n * g.outputHeight + oy) * outputWidth) * C
                guard iy0 >= 0 && iy0 + 2 < H else {
                    for ox in 0..<outputWidth { borderPixel(g, image, filter, outRow + ox * C, oy, ox, channels: 0..<C) }
                    continue
                }
                let r0 = image + iy0 * W * C, r1 = r0 + W * C, r2 = r1 + W * C
                var c = 0
                while c < vectorChannels {
                    let f = filter + c
                    let w0 = load8(f), w1 = load8(f + C), w2 = load8(f + 2 * C)
                    let w3 = load8(f + 3 * C), w4 = load8(f + 4 * C), w5 = load8(f + 5 * C)
                    let w6 = load8(f + 6 * C), w7 = load8(f + 7 * C), w8 = load8(f + 8 * C)
                    for ox in interior {
                        let ix = (ox * s - g.padLeft) * C + c
                        var sum = load8(r0 + ix) * w0
                        sum = sum.addingProduct(load8(r0 + ix + C), w1)
                        sum = sum.addingProduct(load8(r0 + ix + 2 * C), w2)
                        sum = sum.addingProduct(load8(r1 + ix), w3)
                        sum = sum.addingProduct(load8(r1 + ix + C), w4)
                        sum = sum.addingProduct(load8(r1 + ix + 2 * C), w5)
                        sum = sum.addingProduct(load8(r2 + ix), w6)
                        sum = sum.addingProduct(load8(r2 + ix + C), w7)
                        sum = sum.addingProduct(load8(r2 + ix + 2 * C), w8)
                        store8(sum, outRow + ox * C + c)
                    }
                    c += 8
                }
                if vectorChannels < C {
                    for ox in interior {
                        borderPixel(g, image, filter, outRow + ox * C, oy, ox, channels: vectorChannels..<C)
                    }
                }
                for ox in 0..<interior.lowerBound { borderPixel(g, image, filter, outRow + ox * C, oy, ox, channels: 0..<C) }
                for ox in interior.upperBound..<outputWidth {
                    borderPixel(g, image, filter, outRow + ox * C, oy, ox, channels: 0..<C)
                }
            }
        }
    }

    /// One output pixel's `channels`, skipping taps that fall in the padding.
    private static func borderPixel(_ g: ConvolutionShape, _ image: UnsafePointer<Float>, _ filter: UnsafePointer<Float>,
                                    _ out: UnsafeMutablePointer<Float>, _ oy: Int, _ ox: Int, channels: Range<Int>) {
        let C = g.inputChannels
        let iy0 = oy * g.stride - g.padTop, ix0 = ox * g.stride - g.padLeft
        var c = channels.lowerBound
        while c + 8 <= channels.upperBound {
            var sum = Float8(repeating: 0)
            for ky in 0..<3 where iy0 + ky >= 0 && iy0 + ky < g.inputHeight {
                for kx in 0..<3 where ix0 + kx >= 0 && ix0 + kx < g.inputWidth {
                    let pixel = (iy0 + ky) * g.inputWidth + ix0 + kx
                    sum = sum.addingProduct(load8(image + pixel * C + c), load8(filter + (ky * 3 + kx) * C + c))
                }
            }
            store8(sum, out + c)
            c += 8
        }
        while c < channels.upperBound {
            var sum: Float = 0
            for ky in 0..<3 where iy0 + ky >= 0 && iy0 + ky < g.inputHeight {
                for kx in 0..<3 where ix0 + kx >= 0 && ix0 + kx < g.inputWidth {
                    sum += image[((iy0 + ky) * g.inputWidth + ix0 + kx) * C + c] * filter[(ky * 3 + kx) * C + c]
                }
            }
            out[c] = sum
            c += 1
        }
    }

    /// `filterGradient[ky, kx, c] += Σ outputGradient[n, oy, ox, c] * input[n, oy*s + ky - padTop, ox*s + kx - padLeft, c]`
    /// (9 x C floats).
    static func addFilterGradient(_ g: ConvolutionShape, images: Int, input: UnsafePointer<Float>,
                               outputGradient: UnsafePointer<Float>, filterGradient: UnsafeMutablePointer<Float>) {
        let C = g.inputChannels, W = g.inputWidth, H = g.inputHeight
        let outputWidth = g.outputWidth, s = g.stride, interior = g.interiorColumns
        let vectorChannels = C & ~7
        for n in 0..<images {
            let image = input + n * H * W * C
            for oy in 0..<g.outputHeight {
                let dyRow = outputGradient + ((n * g.outputHeight + oy) * outputWidth) * C
                for ky in 0..<3 {
                    let iy = oy * s - g.padTop + ky
                    guard iy >= 0 && iy < H else { continue }
                    let inRow = image + iy * W * C
                    let sums = filterGradient + ky * 3 * C
                    var c = 0
                    while c < vectorChannels {
                        // Two pixels per iteration: six independent sums hide the FMA latency.
                        var a0 = Float8(repeating: 0), a1 = a0, a2 = a0, b0 = a0, b1 = a0, b2 = a0
                        var ox = interior.lowerBound
                        while ox &+ 1 < interior.upperBound {
                            let first = load8(dyRow + (ox &* C &+ c)), second = load8(dyRow + ((ox &+ 1) &* C &+ c))
                            let ix = (ox &* s &- g.padLeft) &* C &+ c, next = ix &+ s &* C
                            a0 = a0.addingProduct(first, load8(inRow + ix))
                            a1 = a1.addingProduct(first, load8(inRow + (ix &+ C)))
                            a2 = a2.addingProduct(first, load8(inRow + (ix &+ 2 &* C)))
                            b0 = b0.addingProduct(second, load8(inRow + next))
                            b1 = b1.addingProduct(second, load8(inRow + (next &+ C)))
                            b2 = b2.addingProduct(second, load8(inRow + (next &+ 2 &* C)))
                            ox &+= 2
                        }
                        if ox < interior.upperBound {
                            let gradient = load8(dyRow + (ox &* C &+ c))
                            let ix = (ox &* s &- g.padLeft) &* C &+ c
                            a0 = a0.addingProduct(gradient, load8(inRow + ix))
                            a1 = a1.addingProduct(gradient, load8(inRow + (ix &+ C)))
                            a2 = a2.addingProduct(gradient, load8(inRow + (ix &+ 2 &* C)))
                        }
                        store8(load8(sums + c) + (a0 + b0), sums + c)
                        store8(load8(sums + C + c) + (a1 + b1), sums + C + c)
                        store8(load8(sums + 2 * C + c) + (a2 + b2), sums + 2 * C + c)
                        c += 8
                    }
                    for c in vectorChannels..<C {
                        for ox in interior {
                            let gradient = dyRow[ox * C + c], ix = (ox * s - g.padLeft) * C + c
                            sums[c] += gradient * inRow[ix]
                            sums[C + c] += gradient * inRow[ix + C]
                            sums[2 * C + c] += gradient * inRow[ix + 2 * C]
                        }
                    }
                    func border(_ ox: Int) {
                        for kx in 0..<3 {
                            let ix = ox * s - g.padLeft + kx
                            guard ix >= 0 && ix < W else { continue }
                            for c in 0..<C { sums[kx * C + c] += dyRow[ox * C + c] * inRow[ix * C + c] }
                        }
                    }
                    for ox in 0..<interior.lowerBound { border(ox) }
                    for ox in interior.upperBound..<outputWidth { border(ox) }
                }
            }
        }
    }
}
