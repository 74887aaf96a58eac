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
    let clamp = OutputClamp(zeroPoint: packed.outputZeroPoint, low: packed.activationMin, high: packed.activationMax)
    let widened = scratch.bindMemory(to: Int16.self, capacity: g.filterHeight * packed.rowStride)
    let segments = SegmentLayout(
        filterRows: g.filterHeight, segmentsPerFilterRow: packed.segmentsPerFilterRow, pairs: packed.segmentPairs,
        rowBytes: packed.rowStride * 2, segmentBytes: g.dilationWidth * g.inputChannels * 2)
    let pixelBytes = g.strideWidth * g.inputChannels * 2
    packed.weights.withUnsafeBufferPointer { weights in
        packed.groups.withUnsafeBufferPointer { groups in
            let kernel = ConvolutionBlocks(packed: packed, segments: segments, weights: weights.baseAddress!,
                                           groups: groups.baseAddress!, clamp: clamp)
            if packed.isPointwise {
                let first = rows.lowerBound * g.outputWidth
                pointwiseBlocks(kernel, packed, pixelCount: (rows.upperBound - rows.lowerBound) * g.outputWidth,
                                input: input + first * g.inputChannels, output: output + first * g.outputChannels,
                                widened: widened)
                return
            }
            for row in rows {
                widenInputRows(packed, row: row, input: input, to: widened)
                var x = 0
                while x < g.outputWidth {
                    let count = min(4, g.outputWidth - x)
                    kernel.run(PixelBlock(base: UnsafeRawPointer(widened), first: x, pixelBytes: pixelBytes, count: count,
                                          output: output + (row * g.outputWidth + x) * g.outputChannels,
                                          outputChannels: g.outputChannels))
                    x += count
                }
            }
        }
    }
}

/// The packed constants of one call, unpacked into pointers.
struct ConvolutionBlocks {
    let packed: PackedConvolution
    let segments: SegmentLayout
    let weights: UnsafePointer<SIMD16<Int16>>
    let groups: UnsafePointer<ChannelGroup>
    let clamp: OutputClamp

    /// All output channels of one block of pixels.
    @inline(__always)
    func run(_ block: PixelBlock) {
        for b in 0..<packed.wideBlocks {
            multiplyWideBlock(block, segments, weights: weights + 2 * b * packed.pairs, groups: groups + 2 * b,
                              firstChannel: 16 * b, clamp: clamp)
        }
        if packed.hasNarrowBlock {
            let b = packed.wideBlocks
            multiplyNarrowBlock(block, segments, weights: weights + 2 * b * packed.pairs, groups[2 * b],
                                firstChannel: 16 * b, clamp: clamp)
        }
    }
}

/// Up to four output pixels of one row computed together.
struct PixelBlock {
    /// The widened input rows.
    var base: UnsafeRawPointer
    /// Byte offset of each pixel's first input column within a widened row.
    var offsets: (Int, Int, Int, Int)
    var count: Int
    /// Output of the block's first pixel; pixel i's follows `i * outputChannels` later.
    var output: UnsafeMutablePointer<Int8>
    var outputChannels: Int

    /// `count` (1...4) pixels from pixel `first` of the widened rows, `pixelBytes` apart.
    /// Missing pixels of a short block recompute the last one; they are not stored.
    init(base: UnsafeRawPointer, first: Int, pixelBytes: Int, count: Int, output: UnsafeMutablePointer<Int8>,
         outputChannels: Int) {
        self.base = base
        offsets = (first * pixelBytes, (first + min(1, count - 1)) * pixelBytes,
                   (first + min(2, count - 1)) * pixelBytes, (first + min(3, count - 1)) * pixelBytes)
        self.count = count
        self.output = output
        self.outputChannels = outputChannels
    }
}

/// How the packed pairs map onto the widened rows: segment `(r, s)` of a pixel starts
/// `r * rowBytes + s * segmentBytes` after the pixel's offset and spans `pairs` int16 pairs.
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

/// The int16 pair `k` after `base + offset`, repeated for `multiplyAddPairs`.
@_transparent
func pairAt(_ base: UnsafeRawPointer, _ offset: Int, _ k: Int) -> SIMD16<Int16> {
    broadcastPair(base.loadUnaligned(fromByteOffset: offset &+ 4 &* k, as: Int32.self))
}

/// 4 pixels x 16 output channels: 8 accumulators, two weight vectors and one broadcast pair per
/// step, 128 multiply-adds per 8 vpmaddwd.
@inline(__always)
private func multiplyWideBlock(_ block: PixelBlock, _ segments: SegmentLayout, weights: UnsafePointer<SIMD16<Int16>>,
                               groups: UnsafePointer<ChannelGroup>, firstChannel: Int, clamp: OutputClamp) {
    let (o0, o1, o2, o3) = block.offsets
    var a0 = groups[0].bias, b0 = groups[1].bias
    var a1 = a0, b1 = b0, a2 = a0, b2 = b0, a3 = a0, b3 = b0
    var w = weights
    var rowBase = block.base
    for _ in 0..<segments.filterRows {
        var base = rowBase
        for _ in 0..<segments.segmentsPerFilterRow {
            for k in 0..<segments.pairs {
                let low = w[0], high = w[1]
                w += 2
                let x0 = pairAt(base, o0, k)
                a0 &+= multiplyAddPairs(x0, low)
                b0 &+= multiplyAddPairs(x0, high)
                let x1 = pairAt(base, o1, k)
                a1 &+= multiplyAddPairs(x1, low)
                b1 &+= multiplyAddPairs(x1, high)
                let x2 = pairAt(base, o2, k)
                a2 &+= multiplyAddPairs(x2, low)
                b2 &+= multiplyAddPairs(x2, high)
                let x3 = pairAt(base, o3, k)
                a3 &+= multiplyAddPairs(x3, low)
                b3 &+= multiplyAddPairs(x3, high)
            }
            base += segments.segmentBytes
        }
        rowBase += segments.rowBytes
    }
    let lowCount = min(8, block.outputChannels - firstChannel)
    let highCount = min(8, block.outputChannels - firstChannel - 8)
    let stride = block.outputChannels
    let out = block.output + firstChannel
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
}

/// 4 pixels x the last 1...8 output channels.
@inline(__always)
private func multiplyNarrowBlock(_ block: PixelBlock, _ segments: SegmentLayout, weights: UnsafePointer<SIMD16<Int16>>,
                                 _ group: ChannelGroup, firstChannel: Int, clamp: OutputClamp) {
    let (o0, o1, o2, o3) = block.offsets
    var a0 = group.bias
    var a1 = a0, a2 = a0, a3 = a0
    var w = weights
    var rowBase = block.base
    for _ in 0..<segments.filterRows {
        var base = rowBase
        for _ in 0..<segments.segmentsPerFilterRow {
            for k in 0..<segments.pairs {
                let weight = w[0]
                w += 1
                a0 &+= multiplyAddPairs(pairAt(base, o0, k), weight)
                a1 &+= multiplyAddPairs(pairAt(base, o1, k), weight)
                a2 &+= multiplyAddPairs(pairAt(base, o2, k), weight)
                a3 &+= multiplyAddPairs(pairAt(base, o3, k), weight)
            }
            base += segments.segmentBytes
        }
        rowBase += segments.rowBytes
    }
    let count = block.outputChannels - firstChannel
    let stride = block.outputChannels
    let out = block.output + firstChannel
    storeRequantized(a0, group.lanes, clamp, to: out, count: count)
    guard block.count > 1 else { return }
    storeRequantized(a1, group.lanes, clamp, to: out + stride, count: count)
    guard block.count > 2 else { return }
    storeRequantized(a2, group.lanes, clamp, to: out + 2 * stride, count: count)
    guard block.count > 3 else { return }
    storeRequantized(a3, group.lanes, clamp, to: out + 3 * stride, count: count)
}

/// Fast int8 1x1 stride-1 CONV_2D over `pixelCount` consecutive pixels, bit for bit the reference:
/// `input` and `output` point at the first pixel, which lets the runtime run the convolution a
/// piece at a time (in place, or on threads). `packed` must be pointwise (`isPointwise`).
public func convolutionPointwiseInt8Fast(_ packed: PackedConvolution, pixelCount: Int, input: UnsafePointer<Int8>,
                                         output: UnsafeMutablePointer<Int8>, scratch: UnsafeMutableRawPointer) {
    let g = packed.geometry
    let clamp = OutputClamp(zeroPoint: packed.outputZeroPoint, low: packed.activationMin, high: packed.activationMax)
    let widened = scratch.bindMemory(to: Int16.self, capacity: g.filterHeight * packed.rowStride)
    let segments = SegmentLayout(
        filterRows: g.filterHeight, segmentsPerFilterRow: packed.segmentsPerFilterRow, pairs: packed.segmentPairs,
        rowBytes: packed.rowStride * 2, segmentBytes: g.dilationWidth * g.inputChannels * 2)
    packed.weights.withUnsafeBufferPointer { weights in
        packed.groups.withUnsafeBufferPointer { groups in
            let kernel = ConvolutionBlocks(packed: packed, segments: segments, weights: weights.baseAddress!,
                                           groups: groups.baseAddress!, clamp: clamp)
            pointwiseBlocks(kernel, packed, pixelCount: pixelCount, input: input, output: output, widened: widened)
        }
    }
}

/// Consecutive pixels are consecutive in memory: chunks of whole blocks of 4 run across rows, so
/// narrow rows waste no block lanes.
private func pointwiseBlocks(_ kernel: ConvolutionBlocks, _ packed: PackedConvolution, pixelCount: Int,
                             input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>,
                             widened: UnsafeMutablePointer<Int16>) {
    let channels = packed.geometry.inputChannels
    let outputChannels = packed.geometry.outputChannels
    var pixel = 0
    while pixel < pixelCount {
        let chunk = min(packed.pointwiseChunk, pixelCount - pixel)
        widenToInt16(input + pixel * channels, count: chunk * channels, to: widened,
                     overrun: (pixel + chunk) * channels + 16 <= pixelCount * channels)
        var x = 0
        while x < chunk {
            let count = min(4, chunk - x)
            kernel.run(PixelBlock(base: UnsafeRawPointer(widened), first: x, pixelBytes: channels * 2,
                                  count: count, output: output + (pixel + x) * outputChannels,
                                  outputChannels: outputChannels))
            x += count
        }
        pixel += chunk
    }
}
