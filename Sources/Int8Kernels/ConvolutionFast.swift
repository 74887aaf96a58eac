/// Fast int8 CONV_2D, bit for bit `convolutionInt8Reference` for the geometry and parameters
/// `packed` was built from: any filter size, stride, dilation and padding. Each output row reads
/// its input rows widened to int16 with the padding around them; unpadded 1x1 stride-1
/// convolutions widen runs of pixels across rows instead.
///
/// Computes output rows `rows` of `0..<batches * outputHeight` (batch-major), so threads can
/// split the work; every output pixel is computed on its own, so any split gives the same bytes.
/// `scratch` must hold `packed.scratchByteCount` bytes, be 16-byte aligned and not be shared
/// between running calls.
public func convolutionInt8Fast(_ packed: PackedConvolution, input: UnsafePointer<Int8>,
                                output: UnsafeMutablePointer<Int8>, rows: Range<Int>,
                                scratch: UnsafeMutableRawPointer) {
    let g = packed.geometry
    if packed.isPointwise {
        let first = rows.lowerBound * g.outputWidth
        convolutionPointwiseInt8Fast(packed, pixelCount: rows.count * g.outputWidth, input: input + first * g.inputChannels,
                                     output: output + first * g.outputChannels, scratch: scratch)
    } else if packed.hasGeneralRequantization {
        convolutionRows(packed, input: input, output: output, rows: rows, scratch: scratch, mode: AnyShifts.self)
    } else {
        convolutionRows(packed, input: input, output: output, rows: rows, scratch: scratch, mode: RightShiftsOnly.self)
    }
}

/// Fast int8 1x1 stride-1 CONV_2D over `pixelCount` consecutive pixels, bit for bit the reference:
/// `input` and `output` point at the first pixel, which lets the runtime run the convolution a
/// piece at a time (in place, or on threads). `packed` must be pointwise (`isPointwise`).
public func convolutionPointwiseInt8Fast(_ packed: PackedConvolution, pixelCount: Int, input: UnsafePointer<Int8>,
                                         output: UnsafeMutablePointer<Int8>, scratch: UnsafeMutableRawPointer) {
    if packed.hasGeneralRequantization {
        pointwisePixels(packed, pixelCount: pixelCount, input: input, output: output, scratch: scratch, mode: AnyShifts.self)
    } else {
        pointwisePixels(packed, pixelCount: pixelCount, input: input, output: output, scratch: scratch,
                        mode: RightShiftsOnly.self)
    }
}

private func convolutionRows<Mode: RequantizationMode>(
    _ packed: PackedConvolution, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>, rows: Range<Int>,
    scratch: UnsafeMutableRawPointer, mode: Mode.Type
) {
    let g = packed.geometry
    let widened = scratch.bindMemory(to: Int16.self, capacity: g.filterHeight * packed.rowStride)
    let pixelBytes = g.strideWidth * g.inputChannels * 2
    let segments = SegmentLayout(
        filterRows: g.filterHeight, segmentsPerFilterRow: packed.segmentsPerFilterRow, pairs: packed.segmentPairs,
        rowBytes: packed.rowStride * 2, segmentBytes: g.dilationWidth * g.inputChannels * 2)
    packed.weights.withUnsafeBufferPointer { weights in
        packed.groups.withUnsafeBufferPointer { groups in
            let kernel = ConvolutionBlocks<Mode>(packed: packed, segments: segments, weights: weights.baseAddress!,
                                                 groups: groups.baseAddress!, clamp: packed.clamp)
            for row in rows {
                widenInputRows(packed, row: row, input: input, to: widened)
                var x = 0
                while x < g.outputWidth {
                    let count = min(4, g.outputWidth &- x)
                    kernel.run(PixelBlock(base: UnsafeRawPointer(widened) + x &* pixelBytes, pixelBytes: pixelBytes,
                                          count: count, output: output + (row &* g.outputWidth &+ x) &* g.outputChannels,
                                          outputChannels: g.outputChannels))
                    x &+= 4
                }
            }
        }
    }
}

/// Consecutive pixels are consecutive in memory: chunks of whole blocks of 4 run across rows, so
/// narrow rows waste no block lanes.
private func pointwisePixels<Mode: RequantizationMode>(
    _ packed: PackedConvolution, pixelCount: Int, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
    scratch: UnsafeMutableRawPointer, mode: Mode.Type
) {
    let channels = packed.geometry.inputChannels
    let outputChannels = packed.geometry.outputChannels
    let widened = scratch.bindMemory(to: Int16.self, capacity: packed.pointwiseChunk * channels + 16)
    let segments = SegmentLayout(filterRows: 1, segmentsPerFilterRow: 1, pairs: packed.segmentPairs, rowBytes: 0,
                                 segmentBytes: 0)
    packed.weights.withUnsafeBufferPointer { weights in
        packed.groups.withUnsafeBufferPointer { groups in
            let kernel = ConvolutionBlocks<Mode>(packed: packed, segments: segments, weights: weights.baseAddress!,
                                                 groups: groups.baseAddress!, clamp: packed.clamp)
            var pixel = 0
            while pixel < pixelCount {
                let chunk = min(packed.pointwiseChunk, pixelCount &- pixel)
                widenToInt16(input + pixel &* channels, count: chunk &* channels, to: widened,
                             overrun: (pixel &+ chunk) &* channels &+ 16 <= pixelCount &* channels)
                var x = 0
                while x < chunk {
                    kernel.runPointwise(PixelBlock(
                        base: UnsafeRawPointer(widened) + x &* channels &* 2, pixelBytes: channels &* 2,
                        count: min(4, chunk &- x), output: output + (pixel &+ x) &* outputChannels,
                        outputChannels: outputChannels))
                    x &+= 4
                }
                pixel &+= chunk
            }
        }
    }
}

/// The packed constants of one call, unpacked into pointers.
struct ConvolutionBlocks<Mode: RequantizationMode> {
    let packed: PackedConvolution
    let segments: SegmentLayout
    let weights: UnsafePointer<SIMD16<Int16>>
    let groups: UnsafePointer<ChannelGroup>
    let clamp: OutputClamp

    /// All output channels of one block of pixels, through every segment of the filter.
    @inline(__always)
    func run(_ block: PixelBlock) {
        var w = weights
        var group = groups
        var channel = 0
        for _ in 0..<packed.wideBlocks {
            var accumulators = WideAccumulators(group)
            var rowBase = block.pixels
            for _ in 0..<segments.filterRows {
                var base = rowBase
                for _ in 0..<segments.segmentsPerFilterRow {
                    accumulators.accumulate(base, pairs: segments.pairs, weights: &w)
                    base = base.advanced(by: segments.segmentBytes)
                }
                rowBase = rowBase.advanced(by: segments.rowBytes)
            }
            accumulators.store(block, group, firstChannel: channel, clamp: clamp, mode: Mode.self)
            group += 2
            channel &+= 16
        }
        if packed.hasNarrowBlock {
            var accumulators = NarrowAccumulators(group)
            var rowBase = block.pixels
            for _ in 0..<segments.filterRows {
                var base = rowBase
                for _ in 0..<segments.segmentsPerFilterRow {
                    accumulators.accumulate(base, pairs: segments.pairs, weights: &w)
                    base = base.advanced(by: segments.segmentBytes)
                }
                rowBase = rowBase.advanced(by: segments.rowBytes)
            }
            accumulators.store(block, group, firstChannel: channel, clamp: clamp, mode: Mode.self)
        }
    }

    /// All output channels of one block of pixels of a pointwise convolution (a single segment).
    @inline(__always)
    func runPointwise(_ block: PixelBlock) {
        var w = weights
        var group = groups
        var channel = 0
        for _ in 0..<packed.wideBlocks {
            var accumulators = WideAccumulators(group)
            accumulators.accumulate(block.pixels, pairs: segments.pairs, weights: &w)
            accumulators.store(block, group, firstChannel: channel, clamp: clamp, mode: Mode.self)
            group += 2
            channel &+= 16
        }
        if packed.hasNarrowBlock {
            var accumulators = NarrowAccumulators(group)
            accumulators.accumulate(block.pixels, pairs: segments.pairs, weights: &w)
            accumulators.store(block, group, firstChannel: channel, clamp: clamp, mode: Mode.self)
        }
    }
}

/// Where the four pixels of a block read their widened input (a short block repeats its last
/// pixel; the repeats are not stored).
struct PixelPointers {
    var p0: UnsafeRawPointer
    var p1: UnsafeRawPointer
    var p2: UnsafeRawPointer
    var p3: UnsafeRawPointer

    @_transparent
    func advanced(by bytes: Int) -> PixelPointers {
        PixelPointers(p0: p0 + bytes, p1: p1 + bytes, p2: p2 + bytes, p3: p3 + bytes)
    }
}

/// Up to four output pixels of one row (or run of pixels) computed together.
struct PixelBlock {
    var pixels: PixelPointers
    var count: Int
    /// Output of the block's first pixel; pixel i's follows `i * outputChannels` later.
    var output: UnsafeMutablePointer<Int8>
    var outputChannels: Int

    /// `count` (1...4) pixels starting at `base`, `pixelBytes` apart in the widened input.
    @inline(__always)
    init(base: UnsafeRawPointer, pixelBytes: Int, count: Int, output: UnsafeMutablePointer<Int8>, outputChannels: Int) {
        pixels = PixelPointers(p0: base, p1: base + (count > 1 ? pixelBytes : 0),
                               p2: base + (count > 2 ? 2 &* pixelBytes : 0),
                               p3: base + (count > 3 ? 3 &* pixelBytes : 0))
        if count == 3 { pixels.p3 = pixels.p2 }
        if count == 2 { pixels.p2 = pixels.p1; pixels.p3 = pixels.p1 }
        self.count = count
        self.output = output
        self.outputChannels = outputChannels
    }
}

/// How the packed pairs map onto the widened rows: segment `(r, s)` of a pixel starts
/// `r * rowBytes + s * segmentBytes` after the pixel's first value and spans `pairs` int16 pairs.
struct SegmentLayout {
    var filterRows: Int
    var segmentsPerFilterRow: Int
    var pairs: Int
    var rowBytes: Int
    var segmentBytes: Int
}

/// Output zero point and the activation range in the output's quantized domain.
struct OutputClamp {
    var zeroPoint: Int32
    var low: Int32
    var high: Int32
}

/// 4 pixels x 16 output channels: 8 accumulators, two weight vectors and one broadcast pair per
/// step, 128 multiply-adds per 8 vpmaddwd.
struct WideAccumulators {
    var a0, b0, a1, b1, a2, b2, a3, b3: SIMD8<Int32>

    @_transparent
    init(_ groups: UnsafePointer<ChannelGroup>) {
        a0 = groups[0].bias
        b0 = groups[1].bias
        (a1, b1, a2, b2, a3, b3) = (a0, b0, a0, b0, a0, b0)
    }

    /// Adds `pairs` int16 pairs of each pixel, starting at `pixels`, times the next weights.
    @inline(__always)
    mutating func accumulate(_ pixels: PixelPointers, pairs: Int, weights w: inout UnsafePointer<SIMD16<Int16>>) {
        var k = 0
        while k < pairs {
            let low = w[0], high = w[1]
            w += 2
            let x0 = pairAt(pixels.p0, k)
            a0 &+= multiplyAddPairs(x0, low)
            b0 &+= multiplyAddPairs(x0, high)
            let x1 = pairAt(pixels.p1, k)
            a1 &+= multiplyAddPairs(x1, low)
            b1 &+= multiplyAddPairs(x1, high)
            let x2 = pairAt(pixels.p2, k)
            a2 &+= multiplyAddPairs(x2, low)
            b2 &+= multiplyAddPairs(x2, high)
            let x3 = pairAt(pixels.p3, k)
            a3 &+= multiplyAddPairs(x3, low)
            b3 &+= multiplyAddPairs(x3, high)
            k &+= 1
        }
    }

    /// Requantizes and stores the block's pixels, output channels `firstChannel` up to 16 more.
    @_transparent
    func store<Mode: RequantizationMode>(_ block: PixelBlock, _ groups: UnsafePointer<ChannelGroup>, firstChannel: Int,
                                         clamp: OutputClamp, mode: Mode.Type) {
        let stride = block.outputChannels
        let out = block.output + firstChannel
        #if TINYSSD_AVX2
        let low = groups[0].vectors, high = groups[1].vectors
        let vectors = OutputVectors(clamp)
        let general = Mode.general
        let first = packToInt8(requantizeVectors(a0, low, general: general), requantizeVectors(b0, high, general: general),
                               requantizeVectors(a1, low, general: general), requantizeVectors(b1, high, general: general),
                               vectors)
        let second = packToInt8(requantizeVectors(a2, low, general: general), requantizeVectors(b2, high, general: general),
                                requantizeVectors(a3, low, general: general), requantizeVectors(b3, high, general: general),
                                vectors)
        let count = min(16, stride &- firstChannel)
        if count == 16 && stride == 16 && block.count == 4 {
            storeVector(first, to: out)
            storeVector(second, to: out + 32)
            return
        }
        storeRows16(first, row: 0, rows: block.count, count: count, to: out, stride: stride)
        storeRows16(second, row: 2, rows: block.count, count: count, to: out, stride: stride)
        #else
        let lowCount = min(8, stride &- firstChannel)
        let highCount = min(8, stride &- firstChannel &- 8)
        storeRequantized(a0, groups[0].lanes, clamp, to: out, count: lowCount)
        storeRequantized(b0, groups[1].lanes, clamp, to: out + 8, count: highCount)
        guard block.count > 1 else { return }
        storeRequantized(a1, groups[0].lanes, clamp, to: out + stride, count: lowCount)
        storeRequantized(b1, groups[1].lanes, clamp, to: out + stride + 8, count: highCount)
        guard block.count > 2 else { return }
        storeRequantized(a2, groups[0].lanes, clamp, to: out + 2 * stride, count: lowCount)
        storeRequantized(b2, groups[1].lanes, clamp, to: out + 2 * stride + 8, count: highCount)
        guard block.count > 3 else { return }
        storeRequantized(a3, groups[0].lanes, clamp, to: out + 3 * stride, count: lowCount)
        storeRequantized(b3, groups[1].lanes, clamp, to: out + 3 * stride + 8, count: highCount)
        #endif
    }
}

/// 4 pixels x the last 1...8 output channels.
struct NarrowAccumulators {
    var a0, a1, a2, a3: SIMD8<Int32>

    @_transparent
    init(_ group: UnsafePointer<ChannelGroup>) {
        a0 = group[0].bias
        (a1, a2, a3) = (a0, a0, a0)
    }

    @inline(__always)
    mutating func accumulate(_ pixels: PixelPointers, pairs: Int, weights w: inout UnsafePointer<SIMD16<Int16>>) {
        var k = 0
        while k < pairs {
            let weight = w[0]
            w += 1
            a0 &+= multiplyAddPairs(pairAt(pixels.p0, k), weight)
            a1 &+= multiplyAddPairs(pairAt(pixels.p1, k), weight)
            a2 &+= multiplyAddPairs(pairAt(pixels.p2, k), weight)
            a3 &+= multiplyAddPairs(pairAt(pixels.p3, k), weight)
            k &+= 1
        }
    }

    @_transparent
    func store<Mode: RequantizationMode>(_ block: PixelBlock, _ group: UnsafePointer<ChannelGroup>, firstChannel: Int,
                                         clamp: OutputClamp, mode: Mode.Type) {
        let stride = block.outputChannels
        let count = stride &- firstChannel
        let out = block.output + firstChannel
        #if TINYSSD_AVX2
        let r = group[0].vectors
        let general = Mode.general
        let bytes = packToInt8(requantizeVectors(a0, r, general: general), requantizeVectors(a1, r, general: general),
                               requantizeVectors(a2, r, general: general), requantizeVectors(a3, r, general: general),
                               OutputVectors(clamp))
        storeRows8(bytes, rows: block.count, count: count, to: out, stride: stride)
        #else
        let lanes = group[0].lanes
        storeRequantized(a0, lanes, clamp, to: out, count: count)
        guard block.count > 1 else { return }
        storeRequantized(a1, lanes, clamp, to: out + stride, count: count)
        guard block.count > 2 else { return }
        storeRequantized(a2, lanes, clamp, to: out + 2 * stride, count: count)
        guard block.count > 3 else { return }
        storeRequantized(a3, lanes, clamp, to: out + 3 * stride, count: count)
        #endif
    }
}

/// Requantizes 8 accumulators and stores the first `count` of them.
@_transparent
func storeRequantized(_ accumulators: SIMD8<Int32>, _ lanes: RequantizationLanes, _ clamp: OutputClamp,
                      to output: UnsafeMutablePointer<Int8>, count: Int) {
    let values = clampToInt8(requantizeTiesUp(accumulators, lanes) &+ SIMD8(repeating: clamp.zeroPoint),
                             low: clamp.low, high: clamp.high)
    if count >= 8 {
        storeVector(values, to: output)
    } else {
        // Copied through memory: extracting single lanes makes LLVM scalarize the clamp.
        withUnsafeBytes(of: values) { output.update(from: $0.bindMemory(to: Int8.self).baseAddress!, count: count) }
    }
}

/// The int16 pair `k` after `base`, repeated for `multiplyAddPairs`.
@_transparent
func pairAt(_ base: UnsafeRawPointer, _ k: Int) -> SIMD16<Int16> {
    broadcastPair(base.loadUnaligned(fromByteOffset: 4 &* k, as: Int32.self))
}
