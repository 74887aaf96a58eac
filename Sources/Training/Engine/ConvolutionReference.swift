/// Plain-loop convolutions, the yardstick for the fast kernels (im2col + GEMM, `DepthwiseKernels`,
/// `DepthwiseTaps`): every tap visited in the obvious order, accumulated in Double.
enum ConvolutionReference {
    /// Calls `body(inputPixel, tap)` for each tap of output pixel `(oy, ox)` inside the input.
    private static func forEachTap(_ g: ConvolutionShape, _ oy: Int, _ ox: Int, _ body: (Int, Int) -> Void) {
        for ky in 0..<g.kernelSize {
            let iy = oy * g.stride - g.padTop + ky
            guard iy >= 0 && iy < g.inputHeight else { continue }
            for kx in 0..<g.kernelSize {
                let ix = ox * g.stride - g.padLeft + kx
                guard ix >= 0 && ix < g.inputWidth else { continue }
                body(iy * g.inputWidth + ix, ky * g.kernelSize + kx)
            }
        }
    }

    /// `Σ input * filter`, filter `[k, k, Cin, Cout]`.
    static func forward(_ g: ConvolutionShape, images: Int, input: [Float], filter: [Float]) -> [Float] {
        let cin = g.inputChannels, cout = g.outputChannels
        var output = [Float](repeating: 0, count: images * g.outputPixels * cout)
        for n in 0..<images {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    for o in 0..<cout {
                        var sum = 0.0
                        forEachTap(g, oy, ox) { pixel, tap in
                            for i in 0..<cin {
                                sum += Double(input[(n * g.inputPixels + pixel) * cin + i]) * Double(filter[(tap * cin + i) * cout + o])
                            }
                        }
                        output[((n * g.outputHeight + oy) * g.outputWidth + ox) * cout + o] = Float(sum)
                    }
                }
            }
        }
        return output
    }

    /// Gradients of `forward` with respect to its input and filter.
    static func backward(_ g: ConvolutionShape, images: Int, input: [Float], filter: [Float], outputGradient: [Float])
        -> (input: [Float], filter: [Float]) {
        let cin = g.inputChannels, cout = g.outputChannels
        var inputGradient = [Double](repeating: 0, count: input.count)
        var filterGradient = [Double](repeating: 0, count: filter.count)
        for n in 0..<images {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    let outIndex = ((n * g.outputHeight + oy) * g.outputWidth + ox) * cout
                    forEachTap(g, oy, ox) { pixel, tap in
                        for i in 0..<cin {
                            let inIndex = (n * g.inputPixels + pixel) * cin + i
                            for o in 0..<cout {
                                let gradient = Double(outputGradient[outIndex + o])
                                inputGradient[inIndex] += gradient * Double(filter[(tap * cin + i) * cout + o])
                                filterGradient[(tap * cin + i) * cout + o] += gradient * Double(input[inIndex])
                            }
                        }
                    }
                }
            }
        }
        return (inputGradient.map(Float.init), filterGradient.map(Float.init))
    }

    /// Depthwise: `Σ input * filter` per channel, filter `[k, k, C, 1]`.
    static func depthwiseForward(_ g: ConvolutionShape, images: Int, input: [Float], filter: [Float]) -> [Float] {
        let C = g.inputChannels
        var output = [Float](repeating: 0, count: images * g.outputPixels * C)
        for n in 0..<images {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    for c in 0..<C {
                        var sum = 0.0
                        forEachTap(g, oy, ox) { pixel, tap in
                            sum += Double(input[(n * g.inputPixels + pixel) * C + c]) * Double(filter[tap * C + c])
                        }
                        output[((n * g.outputHeight + oy) * g.outputWidth + ox) * C + c] = Float(sum)
                    }
                }
            }
        }
        return output
    }

    static func depthwiseBackward(_ g: ConvolutionShape, images: Int, input: [Float], filter: [Float],
                                  outputGradient: [Float]) -> (input: [Float], filter: [Float]) {
        let C = g.inputChannels
        var inputGradient = [Double](repeating: 0, count: input.count)
        var filterGradient = [Double](repeating: 0, count: filter.count)
        for n in 0..<images {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    forEachTap(g, oy, ox) { pixel, tap in
                        for c in 0..<C {
                            let gradient = Double(outputGradient[((n * g.outputHeight + oy) * g.outputWidth + ox) * C + c])
                            let inIndex = (n * g.inputPixels + pixel) * C + c
                            inputGradient[inIndex] += gradient * Double(filter[tap * C + c])
                            filterGradient[tap * C + c] += gradient * Double(input[inIndex])
                        }
                    }
                }
            }
        }
        return (inputGradient.map(Float.init), filterGradient.map(Float.init))
    }
}
