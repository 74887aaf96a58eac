/// Which output pixels each input row and column of a 3x3 depthwise convolution feeds: the
/// gather form of its backward pass, so every input gradient is written once (no scatter).
final class DepthwiseTaps {
    /// Per input row: up to three `(ky, oy)` pairs, then their count.
    private let rows: [Int]
    /// Per input column: up to three `(kx, ox)` pairs, then their count.
    private let columns: [Int]
    let shape: ConvolutionShape

    init(_ shape: ConvolutionShape) {
        self.shape = shape
        func pairs(side: Int, pad: Int, outputSide: Int) -> [Int] {
            var table = [Int](repeating: 0, count: side * 7)
            for position in 0..<side {
                var count = 0
                for k in 0..<3 {
                    let numerator = position + pad - k
                    guard numerator >= 0, numerator % shape.stride == 0, numerator / shape.stride < outputSide else { continue }
                    table[position * 7 + 2 * count] = k
                    table[position * 7 + 2 * count + 1] = numerator / shape.stride
                    count += 1
                }
                table[position * 7 + 6] = count
            }
            return table
        }
        rows = pairs(side: shape.inputHeight, pad: shape.padTop, outputSide: shape.outputHeight)
        columns = pairs(side: shape.inputWidth, pad: shape.padLeft, outputSide: shape.outputWidth)
    }

    /// `inputGradient[n, iy, ix, c] (+)= Σ outputGradient[n, oy, ox, c] * filter[ky, kx, c]` over
    /// the output pixels the input pixel fed; adds when `accumulate`, else overwrites.
    func inputGradient(images: Int, outputGradient: UnsafePointer<Float>, filter: UnsafePointer<Float>,
                       inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let g = shape, C = g.inputChannels, W = g.inputWidth, OW = g.outputWidth
        let vectorChannels = C & ~7
        // All three row taps: columns whose three column taps are all inside.
        let fastColumns = max(2 - g.padLeft, 0)..<max(min(OW - g.padLeft, W), max(2 - g.padLeft, 0))
        guard g.stride == 1 else {
            return stridedInputGradient(images: images, outputGradient: outputGradient, filter: filter,
                                        inputGradient: inputGradient, accumulate: accumulate)
        }
        rows.withUnsafeBufferPointer { rows in
            columns.withUnsafeBufferPointer { columns in
                for n in 0..<images {
                    for iy in 0..<g.inputHeight {
                        let rowTaps = rows.baseAddress! + iy * 7
                        let dxRow = inputGradient + ((n * g.inputHeight + iy) * W) * C
                        let dyImage = outputGradient + n * g.outputPixels * C
                        var generic = 0..<W
                        if rowTaps[6] == 3 && !fastColumns.isEmpty {
                            let d0 = dyImage + rowTaps[1] * OW * C, d1 = dyImage + rowTaps[3] * OW * C
                            let d2 = dyImage + rowTaps[5] * OW * C
                            let f0 = filter + rowTaps[0] * 3 * C, f1 = filter + rowTaps[2] * 3 * C
                            let f2 = filter + rowTaps[4] * 3 * C
                            var c = 0
                            while c < vectorChannels {
                                let w00 = load8(f0 + c), w01 = load8(f0 + C + c), w02 = load8(f0 + 2 * C + c)
                                let w10 = load8(f1 + c), w11 = load8(f1 + C + c), w12 = load8(f1 + 2 * C + c)
                                let w20 = load8(f2 + c), w21 = load8(f2 + C + c), w22 = load8(f2 + 2 * C + c)
                                for ix in fastColumns {
                                    // Column tap kx reads output column ix + padLeft - kx.
                                    let o = (ix + g.padLeft) * C + c
                                    var sum = accumulate ? load8(dxRow + ix * C + c) : Float8(repeating: 0)
                                    sum = sum.addingProduct(load8(d0 + o), w00)
                                    sum = sum.addingProduct(load8(d0 + o - C), w01)
                                    sum = sum.addingProduct(load8(d0 + o - 2 * C), w02)
                                    sum = sum.addingProduct(load8(d1 + o), w10)
                                    sum = sum.addingProduct(load8(d1 + o - C), w11)
                                    sum = sum.addingProduct(load8(d1 + o - 2 * C), w12)
                                    sum = sum.addingProduct(load8(d2 + o), w20)
                                    sum = sum.addingProduct(load8(d2 + o - C), w21)
                                    sum = sum.addingProduct(load8(d2 + o - 2 * C), w22)
                                    store8(sum, dxRow + ix * C + c)
                                }
                                c += 8
                            }
                            for ix in fastColumns {
                                gatherPixel(rowTaps, columns.baseAddress! + ix * 7, dyImage, filter, dxRow + ix * C,
                                            channels: vectorChannels..<C, accumulate: accumulate)
                            }
                            for ix in 0..<fastColumns.lowerBound {
                                gatherPixel(rowTaps, columns.baseAddress! + ix * 7, dyImage, filter, dxRow + ix * C,
                                            channels: 0..<C, accumulate: accumulate)
                            }
                            generic = fastColumns.upperBound..<W
                        }
                        for ix in generic {
                            gatherPixel(rowTaps, columns.baseAddress! + ix * 7, dyImage, filter, dxRow + ix * C,
                                        channels: 0..<C, accumulate: accumulate)
                        }
                    }
                }
            }
        }
    }

    /// Strided layers: each input row gathers its (at most three) output rows, and within a row
    /// every output pixel adds its three taps to the input row, which stays in L1.
    private func stridedInputGradient(images: Int, outputGradient: UnsafePointer<Float>, filter: UnsafePointer<Float>,
                                      inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let g = shape, C = g.inputChannels, W = g.inputWidth, OW = g.outputWidth, s = g.stride
        let vectorChannels = C & ~7, interior = g.interiorColumns
        rows.withUnsafeBufferPointer { rows in
            for n in 0..<images {
                let dyImage = outputGradient + n * g.outputPixels * C
                for iy in 0..<g.inputHeight {
                    let rowTaps = rows.baseAddress! + iy * 7
                    let dxRow = inputGradient + ((n * g.inputHeight + iy) * W) * C
                    if !accumulate { zeroFloats(dxRow, W * C) }
                    for r in 0..<rowTaps[6] {
                        let dyRow = dyImage + rowTaps[2 * r + 1] * OW * C
                        let f = filter + rowTaps[2 * r] * 3 * C
                        var c = 0
                        while c < vectorChannels {
                            let w0 = load8(f + c), w1 = load8(f + C + c), w2 = load8(f + 2 * C + c)
                            for ox in interior {
                                let gradient = load8(dyRow + ox * C + c)
                                let target = dxRow + (ox * s - g.padLeft) * C + c
                                store8(load8(target).addingProduct(gradient, w0), target)
                                store8(load8(target + C).addingProduct(gradient, w1), target + C)
                                store8(load8(target + 2 * C).addingProduct(gradient, w2), target + 2 * C)
                            }
                            c += 8
                        }
                        func add(_ ox: Int, channels: Range<Int>) {
                            for kx in 0..<3 {
                                let ix = ox * s - g.padLeft + kx
                                guard ix >= 0 && ix < W else { continue }
                                for c in channels { dxRow[ix * C + c] += dyRow[ox * C + c] * f[kx * C + c] }
                            }
                        }
                        if vectorChannels < C { for ox in interior { add(ox, channels: vectorChannels..<C) } }
                        for ox in 0..<interior.lowerBound { add(ox, channels: 0..<C) }
                        for ox in interior.upperBound..<OW { add(ox, channels: 0..<C) }
                    }
                }
            }
        }
    }

    private func gatherPixel(_ rowTaps: UnsafePointer<Int>, _ columnTaps: UnsafePointer<Int>, _ dyImage: UnsafePointer<Float>,
                             _ filter: UnsafePointer<Float>, _ dx: UnsafeMutablePointer<Float>, channels: Range<Int>,
                             accumulate: Bool) {
        let C = shape.inputChannels, OW = shape.outputWidth
        var c = channels.lowerBound
        while c + 8 <= channels.upperBound {
            var sum = accumulate ? load8(dx + c) : Float8(repeating: 0)
            for r in 0..<rowTaps[6] {
                for t in 0..<columnTaps[6] {
                    let tap = rowTaps[2 * r] * 3 + columnTaps[2 * t]
                    let pixel = rowTaps[2 * r + 1] * OW + columnTaps[2 * t + 1]
                    sum = sum.addingProduct(load8(dyImage + pixel * C + c), load8(filter + tap * C + c))
                }
            }
            store8(sum, dx + c)
            c += 8
        }
        while c < channels.upperBound {
            var sum: Float = accumulate ? dx[c] : 0
            for r in 0..<rowTaps[6] {
                for t in 0..<columnTaps[6] {
                    let tap = rowTaps[2 * r] * 3 + columnTaps[2 * t]
                    let pixel = rowTaps[2 * r + 1] * OW + columnTaps[2 * t + 1]
                    sum += dyImage[pixel * C + c] * filter[tap * C + c]
                }
            }
            dx[c] = sum
            c += 1
        }
    }
}
