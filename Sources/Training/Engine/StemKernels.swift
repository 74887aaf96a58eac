/// Direct 3x3 convolution of an RGB image (3 input channels, output channels a multiple of
/// eight), for the stem: its patch matrix would be 27 floats per pixel of a large map, and
/// writing that costs more than the arithmetic. `ConvolutionReference` is the yardstick.
enum StemKernels {
    static func applies(to g: ConvolutionShape) -> Bool {
        g.inputChannels == 3 && g.kernelSize == 3 && g.outputChannels % 8 == 0
    }

    /// `output[n, oy, ox, o] = Σ input[n, oy*s + ky - padTop, ox*s + kx - padLeft, i] * filter[ky, kx, i, o]`.
    static func forward(_ g: ConvolutionShape, images: Int, input: UnsafePointer<Float>, filter: UnsafePointer<Float>,
                        output: UnsafeMutablePointer<Float>) {
        let cout = g.outputChannels
        for n in 0..<images {
            let image = input + n * g.inputPixels * 3
            for oy in 0..<g.outputHeight {
                let iy0 = oy * g.stride - g.padTop
                let rows = max(0, -iy0)..<min(3, g.inputHeight - iy0)
                for ox in 0..<g.outputWidth {
                    let ix0 = ox * g.stride - g.padLeft
                    let columns = max(0, -ix0)..<min(3, g.inputWidth - ix0)
                    let out = output + ((n * g.outputHeight + oy) * g.outputWidth + ox) * cout
                    var block = 0
                    while block < cout {
                        // One sum per colour: three short dependency chains instead of one long one.
                        var red = Float8(repeating: 0), green = red, blue = red
                        for ky in rows {
                            for kx in columns {
                                let pixel = image + ((iy0 + ky) * g.inputWidth + ix0 + kx) * 3
                                let weights = filter + (ky * 3 + kx) * 3 * cout + block
                                red = red.addingProduct(Float8(repeating: pixel[0]), load8(weights))
                                green = green.addingProduct(Float8(repeating: pixel[1]), load8(weights + cout))
                                blue = blue.addingProduct(Float8(repeating: pixel[2]), load8(weights + 2 * cout))
                            }
                        }
                        store8(red + green + blue, out + block)
                        block += 8
                    }
                }
            }
        }
    }

    /// `filterGradient[ky, kx, i, o] = Σ outputGradient[n, oy, ox, o] * input[n, oy*s + ky - padTop, ox*s + kx - padLeft, i]`,
    /// overwriting `filterGradient`. One kernel row and block of eight outputs at a time, so the
    /// nine sums (three columns x three colours) stay in registers.
    static func filterGradient(_ g: ConvolutionShape, images: Int, input: UnsafePointer<Float>,
                               outputGradient: UnsafePointer<Float>, filterGradient: UnsafeMutablePointer<Float>) {
        let cout = g.outputChannels
        filterGradient.update(repeating: 0, count: 27 * cout)
        for ky in 0..<3 {
            var block = 0
            while block < cout {
                var s = (Float8(repeating: 0), Float8(repeating: 0), Float8(repeating: 0),
                         Float8(repeating: 0), Float8(repeating: 0), Float8(repeating: 0),
                         Float8(repeating: 0), Float8(repeating: 0), Float8(repeating: 0))
                for n in 0..<images {
                    let image = input + n * g.inputPixels * 3
                    for oy in 0..<g.outputHeight {
                        let iy = oy * g.stride - g.padTop + ky
                        guard iy >= 0 && iy < g.inputHeight else { continue }
                        let row = image + iy * g.inputWidth * 3
                        let dyRow = outputGradient + ((n * g.outputHeight + oy) * g.outputWidth) * cout + block
                        for ox in 0..<g.outputWidth {
                            let gradient = load8(dyRow + ox * cout)
                            let ix0 = ox * g.stride - g.padLeft
                            if ix0 >= 0 && ix0 + 2 < g.inputWidth {
                                let p = row + ix0 * 3
                                s.0 = s.0.addingProduct(gradient, Float8(repeating: p[0]))
                                s.1 = s.1.addingProduct(gradient, Float8(repeating: p[1]))
                                s.2 = s.2.addingProduct(gradient, Float8(repeating: p[2]))
                                s.3 = s.3.addingProduct(gradient, Float8(repeating: p[3]))
                                s.4 = s.4.addingProduct(gradient, Float8(repeating: p[4]))
                                s.5 = s.5.addingProduct(gradient, Float8(repeating: p[5]))
                                s.6 = s.6.addingProduct(gradient, Float8(repeating: p[6]))
                                s.7 = s.7.addingProduct(gradient, Float8(repeating: p[7]))
                                s.8 = s.8.addingProduct(gradient, Float8(repeating: p[8]))
                            } else {
                                // Border column: the taps outside the image add nothing.
                                let sums = filterGradient + ky * 9 * cout + block
                                for kx in 0..<3 where ix0 + kx >= 0 && ix0 + kx < g.inputWidth {
                                    for i in 0..<3 {
                                        let target = sums + (kx * 3 + i) * cout
                                        store8(load8(target).addingProduct(gradient, Float8(repeating: row[(ix0 + kx) * 3 + i])), target)
                                    }
                                }
                            }
                        }
                    }
                }
                let sums = filterGradient + ky * 9 * cout + block
                func add(_ value: Float8, _ index: Int) { store8(load8(sums + index * cout) + value, sums + index * cout) }
                add(s.0, 0); add(s.1, 1); add(s.2, 2); add(s.3, 3); add(s.4, 4); add(s.5, 5); add(s.6, 6); add(s.7, 7); add(s.8, 8)
                block += 8
            }
        }
    }
}
