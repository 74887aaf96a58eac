/// The patch matrix of a k x k convolution: one row per output pixel holding its k x k x Cin
/// input values in the kernel's `[ky, kx, cin]` order (zeros for padding), so that the
/// convolution is one matrix product with the `[k*k*Cin, Cout]` Keras kernel.
enum Im2col {
    static func patches(_ g: ConvolutionShape, images: Int, input: UnsafePointer<Float>,
                        into columns: UnsafeMutablePointer<Float>) {
        let C = g.inputChannels, k = g.kernelSize, rowLength = k * k * C
        for n in 0..<images {
            let image = input + n * g.inputPixels * C
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let row = columns + ((n * g.outputHeight + oy) * g.outputWidth + ox) * rowLength
                    let ix0 = ox * g.stride - g.padLeft
                    let firstX = max(0, -ix0), lastX = min(k, g.inputWidth - ix0)
                    for ky in 0..<k {
                        let iy = oy * g.stride - g.padTop + ky
                        let segment = row + ky * k * C
                        guard iy >= 0 && iy < g.inputHeight && firstX < lastX else {
                            zeroFloats(segment, k * C)
                            continue
                        }
                        if firstX > 0 { zeroFloats(segment, firstX * C) }
                        // Taps inside the row are contiguous in NHWC: one copy.
                        copyFloats(image + (iy * g.inputWidth + ix0 + firstX) * C, segment + firstX * C,
                                   (lastX - firstX) * C)
                        if lastX < k { zeroFloats(segment + lastX * C, (k - lastX) * C) }
                    }
                }
            }
        }
    }

    /// The inverse scatter: adds every patch entry back onto the input pixel it came from.
    /// Overwrites `inputGradient` unless `accumulate`.
    static func addPatches(_ g: ConvolutionShape, images: Int, columns: UnsafePointer<Float>,
                           into inputGradient: UnsafeMutablePointer<Float>, accumulate: Bool) {
        let C = g.inputChannels, k = g.kernelSize, rowLength = k * k * C
        if !accumulate { inputGradient.update(repeating: 0, count: images * g.inputPixels * C) }
        for n in 0..<images {
            let image = inputGradient + n * g.inputPixels * C
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let row = columns + ((n * g.outputHeight + oy) * g.outputWidth + ox) * rowLength
                    let ix0 = ox * g.stride - g.padLeft
                    let firstX = max(0, -ix0), lastX = min(k, g.inputWidth - ix0)
                    guard firstX < lastX else { continue }
                    for ky in 0..<k {
                        let iy = oy * g.stride - g.padTop + ky
                        guard iy >= 0 && iy < g.inputHeight else { continue }
                        let source = row + (ky * k + firstX) * C
                        let target = image + (iy * g.inputWidth + ix0 + firstX) * C
                        let count = (lastX - firstX) * C
                        var i = 0
                        while i + 8 <= count {
                            store8(load8(target + i) + load8(source + i), target + i)
                            i += 8
                        }
                        while i < count {
                            target[i] += source[i]
                            i += 1
                        }
                    }
                }
            }
        }
    }
}
