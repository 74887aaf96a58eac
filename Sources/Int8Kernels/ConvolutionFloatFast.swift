/// Fast float32 CONV_2D for the geometry and parameters `packed` was built from: any filter size,
/// stride, dilation and padding. Blocks of 4 output pixels x 16 (or 8) output channels accumulate
/// in SIMD registers (FMA on x86-64-v3), one packed weight vector per depth step against one
/// broadcast input value per pixel; the bias starts the sums and the activation clamp ends them.
/// Each output row reads its filter rows in place when no padding falls across them, else copied
/// with zero padding into the scratch; pointwise convolutions run over consecutive pixels.
///
/// Not bit-identical to `convolutionFloatReference` (the additions go in another order, fused):
/// within `1e-5 * max(1, |reference|)` on the tested layers.
///
/// Computes output rows `rows` of `0..<batches * outputHeight` (batch-major), so threads can
/// split the work; every output pixel is computed on its own, so any split gives the same values.
/// `scratch` must hold `packed.scratchByteCount` bytes, be 16-byte aligned and not be shared
/// between running calls. `input` and `output` must not overlap.
public func convolutionFloatFast(_ packed: PackedConvolutionFloat, input: UnsafePointer<Float>,
                                 output: UnsafeMutablePointer<Float>, rows: Range<Int>,
                                 scratch: UnsafeMutableRawPointer) {
    let g = packed.geometry
    if packed.isPointwise {
        let first = rows.lowerBound * g.outputWidth
        convolutionPointwiseFloatFast(packed, pixelCount: rows.count * g.outputWidth, input: input + first * g.inputChannels,
                                      output: output + first * g.outputChannels, scratch: scratch)
        return
    }
    let rowPointers = scratch.bindMemory(to: UnsafePointer<Float>.self, capacity: g.filterHeight)
    let rowBuffers = (scratch + packed.rowPointerBytes).bindMemory(to: Float.self, capacity: g.filterHeight * packed.rowStride)
    let copies = packed.copiesRows
    let inputRow = g.inputWidth * g.inputChannels
    let paddedRow = g.paddedInputWidth * g.inputChannels
    let pixelStep = g.strideWidth * g.inputChannels
    let segments = FloatSegments(filterRows: g.filterHeight, perFilterRow: packed.segmentsPerFilterRow,
                                 length: packed.segmentLength, step: g.dilationWidth * g.inputChannels)
    packed.weights.withUnsafeBufferPointer { weights in
        packed.bias.withUnsafeBufferPointer { bias in
            let kernel = FloatBlocks(packed: packed, weights: weights.baseAddress!, bias: bias.baseAddress!)
            for row in rows {
                let batch = row / g.outputHeight
                let top = (row % g.outputHeight) * g.strideHeight - g.padTop
                for fy in 0..<g.filterHeight {
                    let iy = top + fy * g.dilationHeight
                    let inside = iy >= 0 && iy < g.inputHeight
                    let source = input + (batch * g.inputHeight + iy) * inputRow
                    if inside && !copies {
                        rowPointers[fy] = source
                        continue
                    }
                    // Padded row: input column `j - padLeft` at column `j`, zeros outside.
                    let buffer = rowBuffers + fy * packed.rowStride
                    buffer.update(repeating: 0, count: paddedRow)
                    if inside {
                        let first = max(g.padLeft, 0)
                        let last = min(g.inputWidth + g.padLeft, g.paddedInputWidth)
                        if last > first {
                            (buffer + first * g.inputChannels).update(
                                from: source + (first - g.padLeft) * g.inputChannels, count: (last - first) * g.inputChannels)
                        }
                    }
                    rowPointers[fy] = UnsafePointer(buffer)
                }
                var x = 0
                while x < g.outputWidth {
                    let count = min(4, g.outputWidth &- x)
                    kernel.run(FloatPixelBlock(base: x &* pixelStep, pixelStep: pixelStep, count: count,
                                               output: output + (row &* g.outputWidth &+ x) &* g.outputChannels,
                                               outputChannels: g.outputChannels),
                               rows: UnsafePointer(rowPointers), segments: segments)
                    x &+= 4
                }
            }
        }
    }
}

/// Fast float32 1x1 stride-1 CONV_2D over `pixelCount` consecutive pixels: `input` and `output`
/// point at the first pixel, which lets the runtime run the convolution a piece at a time (in
/// place, or on threads). `packed` must be pointwise (`isPointwise`); it needs no scratch.
/// `input` and `output` need no alignment and must not overlap.
public func convolutionPointwiseFloatFast(_ packed: PackedConvolutionFloat, pixelCount: Int, input: UnsafePointer<Float>,
                                          output: UnsafeMutablePointer<Float>, scratch: UnsafeMutableRawPointer) {
    let channels = packed.geometry.inputChannels
    let outputChannels = packed.geometry.outputChannels
    packed.weights.withUnsafeBufferPointer { weights in
        packed.bias.withUnsafeBufferPointer { bias in
            let kernel = FloatBlocks(packed: packed, weights: weights.baseAddress!, bias: bias.baseAddress!)
            var pixel = 0
            while pixel < pixelCount {
                let count = min(4, pixelCount &- pixel)
                kernel.runPointwise(FloatPixelBlock(base: pixel &* channels, pixelStep: channels, count: count,
                                                    output: output + pixel &* outputChannels, outputChannels: outputChannels),
                                    input: input)
                pixel &+= 4
            }
        }
    }
}

/// How the packed depth maps onto the filter rows: segment `(r, s)` of a pixel starts `s * step`
/// floats after the pixel's first value in filter row `r` and spans `length` values.
struct FloatSegments {
    var filterRows: Int
    var perFilterRow: Int
    var length: Int
    var step: Int
}

/// Up to four output pixels: their first input values' offsets (a short block repeats its last
/// pixel; the repeats are not stored) and where the first one's outputs go.
struct FloatPixelBlock {
    var o0, o1, o2, o3: Int
    var count: Int
    var output: UnsafeMutablePointer<Float>
    var outputChannels: Int

    @inline(__always)
    init(base: Int, pixelStep: Int, count: Int, output: UnsafeMutablePointer<Float>, outputChannels: Int) {
        o0 = base
        o1 = base &+ (count > 1 ? pixelStep : 0)
        o2 = count > 2 ? base &+ 2 &* pixelStep : o1
        o3 = count > 3 ? base &+ 3 &* pixelStep : o2
        self.count = count
        self.output = output
        self.outputChannels = outputChannels
    }
}

/// The packed constants of one call, unpacked into pointers.
struct FloatBlocks {
    let packed: PackedConvolutionFloat
    let weights: UnsafePointer<Float>
    let bias: UnsafePointer<Float>

    /// All output channels of one block of pixels, through every segment of the filter.
    @inline(__always)
    func run(_ block: FloatPixelBlock, rows: UnsafePointer<UnsafePointer<Float>>, segments: FloatSegments) {
        var w = weights
        var channel = 0
        for _ in 0..<packed.wideBlocks {
            var sums = WideFloatSums(bias + channel)
            for r in 0..<segments.filterRows {
                var row = rows[r]
                for _ in 0..<segments.perFilterRow {
                    sums.accumulate(row, block, count: segments.length, weights: &w)
                    row += segments.step
                }
            }
            sums.store(block, firstChannel: channel, packed.activationMin, packed.activationMax)
            channel &+= 16
        }
        if packed.hasNarrowBlock {
            var sums = NarrowFloatSums(bias + channel)
            for r in 0..<segments.filterRows {
                var row = rows[r]
                for _ in 0..<segments.perFilterRow {
                    sums.accumulate(row, block, count: segments.length, weights: &w)
                    row += segments.step
                }
            }
            sums.store(block, firstChannel: channel, packed.activationMin, packed.activationMax)
        }
    }

    /// All output channels of one block of pixels of a pointwise convolution (one segment).
    @inline(__always)
    func runPointwise(_ block: FloatPixelBlock, input: UnsafePointer<Float>) {
        var w = weights
        var channel = 0
        let depth = packed.depth
        for _ in 0..<packed.wideBlocks {
            var sums = WideFloatSums(bias + channel)
            sums.accumulate(input, block, count: depth, weights: &w)
            sums.store(block, firstChannel: channel, packed.activationMin, packed.activationMax)
            channel &+= 16
        }
        if packed.hasNarrowBlock {
            var sums = NarrowFloatSums(bias + channel)
            sums.accumulate(input, block, count: depth, weights: &w)
            sums.store(block, firstChannel: channel, packed.activationMin, packed.activationMax)
        }
    }
}

/// 4 pixels x 16 output channels: 8 AVX2 accumulators, one weight vector (two registers) and one
/// broadcast per pixel and depth step.
struct WideFloatSums {
    var a0, a1, a2, a3: SIMD16<Float>

    @_transparent
    init(_ bias: UnsafePointer<Float>) {
        a0 = loadVector(bias, as: SIMD16<Float>.self)
        (a1, a2, a3) = (a0, a0, a0)
    }

    /// Adds `count` input values of each pixel (at `base + block.o*`) times the next weights.
    @inline(__always)
    mutating func accumulate(_ base: UnsafePointer<Float>, _ block: FloatPixelBlock, count: Int,
                             weights w: inout UnsafePointer<Float>) {
        let p0 = base + block.o0, p1 = base + block.o1, p2 = base + block.o2, p3 = base + block.o3
        var k = 0
        while k < count {
            let weight = loadVector(w, as: SIMD16<Float>.self)
            w += 16
            a0.addProduct(SIMD16(repeating: p0[k]), weight)
            a1.addProduct(SIMD16(repeating: p1[k]), weight)
            a2.addProduct(SIMD16(repeating: p2[k]), weight)
            a3.addProduct(SIMD16(repeating: p3[k]), weight)
            k &+= 1
        }
    }

    @inline(__always)
    func store(_ block: FloatPixelBlock, firstChannel: Int, _ low: Float, _ high: Float) {
        let stride = block.outputChannels
        let out = block.output + firstChannel
        let count = min(16, stride &- firstChannel)
        let lowVector = SIMD16<Float>(repeating: low), highVector = SIMD16<Float>(repeating: high)
        storeClamped(a0, lowVector, highVector, to: out, count: count)
        guard block.count > 1 else { return }
        storeClamped(a1, lowVector, highVector, to: out + stride, count: count)
        guard block.count > 2 else { return }
        storeClamped(a2, lowVector, highVector, to: out + 2 &* stride, count: count)
        guard block.count > 3 else { return }
        storeClamped(a3, lowVector, highVector, to: out + 3 &* stride, count: count)
    }
}

/// 4 pixels x the last 1...8 output channels.
struct NarrowFloatSums {
    var a0, a1, a2, a3: SIMD8<Float>

    @_transparent
    init(_ bias: UnsafePointer<Float>) {
        a0 = loadVector(bias, as: SIMD8<Float>.self)
        (a1, a2, a3) = (a0, a0, a0)
    }

    /// Odd depth steps go to a second set of sums, so 8 chains of FMAs hide their latency.
    @inline(__always)
    mutating func accumulate(_ base: UnsafePointer<Float>, _ block: FloatPixelBlock, count: Int,
                             weights w: inout UnsafePointer<Float>) {
        let p0 = base + block.o0, p1 = base + block.o1, p2 = base + block.o2, p3 = base + block.o3
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
        var k = 0
        while k &+ 2 <= count {
            let even = loadVector(w, as: SIMD8<Float>.self)
            let odd = loadVector(w + 8, as: SIMD8<Float>.self)
            w += 16
            a0.addProduct(SIMD8(repeating: p0[k]), even)
            a1.addProduct(SIMD8(repeating: p1[k]), even)
            a2.addProduct(SIMD8(repeating: p2[k]), even)
            a3.addProduct(SIMD8(repeating: p3[k]), even)
            b0.addProduct(SIMD8(repeating: p0[k &+ 1]), odd)
            b1.addProduct(SIMD8(repeating: p1[k &+ 1]), odd)
            b2.addProduct(SIMD8(repeating: p2[k &+ 1]), odd)
            b3.addProduct(SIMD8(repeating: p3[k &+ 1]), odd)
            k &+= 2
        }
        if k < count {
            let weight = loadVector(w, as: SIMD8<Float>.self)
            w += 8
            a0.addProduct(SIMD8(repeating: p0[k]), weight)
            a1.addProduct(SIMD8(repeating: p1[k]), weight)
            a2.addProduct(SIMD8(repeating: p2[k]), weight)
            a3.addProduct(SIMD8(repeating: p3[k]), weight)
        }
        a0 += b0
        a1 += b1
        a2 += b2
        a3 += b3
    }

    @inline(__always)
    func store(_ block: FloatPixelBlock, firstChannel: Int, _ low: Float, _ high: Float) {
        let stride = block.outputChannels
        let out = block.output + firstChannel
        let count = stride &- firstChannel
        let lowVector = SIMD8<Float>(repeating: low), highVector = SIMD8<Float>(repeating: high)
        storeClamped(a0, lowVector, highVector, to: out, count: count)
        guard block.count > 1 else { return }
        storeClamped(a1, lowVector, highVector, to: out + stride, count: count)
        guard block.count > 2 else { return }
        storeClamped(a2, lowVector, highVector, to: out + 2 &* stride, count: count)
        guard block.count > 3 else { return }
        storeClamped(a3, lowVector, highVector, to: out + 3 &* stride, count: count)
    }
}

/// `v` clamped lane by lane to `[low, high]` (vmaxps, vminps); a NaN stays NaN, as in the reference.
@_transparent
func clamped<Vector: SIMD>(_ v: Vector, _ low: Vector, _ high: Vector) -> Vector where Vector.Scalar == Float {
    var r = v
    for i in r.indices {
        let x = v[i] < low[i] ? low[i] : v[i]
        r[i] = x > high[i] ? high[i] : x
    }
    return r
}

/// Clamps `v` and stores its first `count` lanes (all of them when `count` is the lane count or more).
@_transparent
func storeClamped<Vector: SIMD>(_ v: Vector, _ low: Vector, _ high: Vector, to output: UnsafeMutablePointer<Float>,
                                count: Int) where Vector.Scalar == Float {
    let values = clamped(v, low, high)
    if count >= Vector.scalarCount {
        storeVector(values, to: output)
    } else {
        withUnsafeBytes(of: values) { output.update(from: $0.bindMemory(to: Float.self).baseAddress!, count: count) }
    }
}
