/// Fast int8 CONV_2D, bit for bit `convolutionInt8Reference` for the geometry and parameters
/// `packed` was built from, any filter size, stride, dilation and padding (1x1 convolutions
/// take the same path: their im2col row is the widened input pixel).
///
/// Computes output rows `rows` of `0..<batches * outputHeight` (batch-major), so threads can
/// split the work; every output pixel is computed on its own, so any split gives the same bytes.
/// `scratch` must hold `packed.scratchByteCount` bytes and not be shared between running calls.
public func convolutionInt8Fast(_ packed: PackedConvolution, input: UnsafePointer<Int8>,
                                output: UnsafeMutablePointer<Int8>, rows: Range<Int>,
                                scratch: UnsafeMutableRawPointer) {
    let g = packed.geometry
    let endPixel = rows.upperBound * g.outputWidth
    let rowBytes = packed.rowStride * 2
    let clamp = OutputClamp(zeroPoint: packed.outputZeroPoint, low: packed.activationMin, high: packed.activationMax)
    // A 1x1, stride-1, unpadded convolution's im2col row is its input pixel.
    let pointwise = g.filterHeight == 1 && g.filterWidth == 1 && g.strideHeight == 1 && g.strideWidth == 1
        && g.padTop == 0 && g.padLeft == 0 && g.inputHeight == g.outputHeight && g.inputWidth == g.outputWidth
    let inputCount = g.batches * g.inputHeight * g.inputWidth * g.inputChannels
    let scratchRows = scratch.bindMemory(to: Int16.self, capacity: PackedConvolution.pixelsPerBlock * packed.rowStride)
    packed.weights.withUnsafeBufferPointer { weights in
        packed.groups.withUnsafeBufferPointer { groups in
            var pixel = rows.lowerBound * g.outputWidth
            var position = OutputPosition(pixel: pixel, g)
            while pixel < endPixel {
                let count = min(PackedConvolution.pixelsPerBlock, endPixel - pixel)
                for i in 0..<count {
                    let row = scratchRows + i * packed.rowStride
                    if pointwise {
                        let start = (pixel + i) * g.inputChannels
                        widenToInt16(input + start, count: g.inputChannels, to: row,
                                     overrun: start + g.inputChannels + 16 <= inputCount)
                    } else {
                        gatherIm2colRow(g, at: position, input: input, inputCount: inputCount,
                                        zeroPoint: packed.inputZeroPoint, to: row)
                        position.advance(g)
                    }
                }
                // Missing pixels of a final short block recompute the first one; they are not stored.
                let block = PixelBlock(
                    rows: (UnsafeRawPointer(scratch), UnsafeRawPointer(scratch + min(1, count - 1) * rowBytes),
                           UnsafeRawPointer(scratch + min(2, count - 1) * rowBytes),
                           UnsafeRawPointer(scratch + min(3, count - 1) * rowBytes)),
                    count: count, output: output + pixel * g.outputChannels, outputChannels: g.outputChannels)
                for b in 0..<packed.wideBlocks {
                    multiplyWideBlock(block, pairs: packed.pairs, weights: weights.baseAddress! + 2 * b * packed.pairs,
                                      groups: groups.baseAddress! + 2 * b, firstChannel: 16 * b, clamp: clamp)
                }
                if packed.hasNarrowBlock {
                    let b = packed.wideBlocks
                    multiplyNarrowBlock(block, pairs: packed.pairs, weights: weights.baseAddress! + 2 * b * packed.pairs,
                                        group: groups[2 * b], firstChannel: 16 * b, clamp: clamp)
                }
                pixel += count
            }
        }
    }
}

/// Up to four output pixels computed together: their im2col rows and where their outputs go.
struct PixelBlock {
    var rows: (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer)
    var count: Int
    /// Output of the block's first pixel; pixel i's follows `i * outputChannels` later.
    var output: UnsafeMutablePointer<Int8>
    var outputChannels: Int
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
        for lane in 0..<count { output[lane] = values[lane] }
    }
}

/// 4 pixels x 16 output channels: 8 accumulators, two weight vectors and one broadcast pair per
/// step, 128 multiply-adds per 8 vpmaddwd.
@inline(__always)
private func multiplyWideBlock(_ block: PixelBlock, pairs: Int, weights: UnsafePointer<SIMD16<Int16>>,
                               groups: UnsafePointer<ChannelGroup>, firstChannel: Int, clamp: OutputClamp) {
    let (r0, r1, r2, r3) = block.rows
    var a0 = groups[0].bias, b0 = groups[1].bias
    var a1 = a0, b1 = b0, a2 = a0, b2 = b0, a3 = a0, b3 = b0
    var w = weights
    for k in 0..<pairs {
        let low = w[0], high = w[1]
        w += 2
        let x0 = broadcastPair(r0.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self))
        a0 &+= multiplyAddPairs(x0, low)
        b0 &+= multiplyAddPairs(x0, high)
        let x1 = broadcastPair(r1.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self))
        a1 &+= multiplyAddPairs(x1, low)
        b1 &+= multiplyAddPairs(x1, high)
        let x2 = broadcastPair(r2.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self))
        a2 &+= multiplyAddPairs(x2, low)
        b2 &+= multiplyAddPairs(x2, high)
        let x3 = broadcastPair(r3.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self))
        a3 &+= multiplyAddPairs(x3, low)
        b3 &+= multiplyAddPairs(x3, high)
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
private func multiplyNarrowBlock(_ block: PixelBlock, pairs: Int, weights: UnsafePointer<SIMD16<Int16>>,
                                 group: ChannelGroup, firstChannel: Int, clamp: OutputClamp) {
    let (r0, r1, r2, r3) = block.rows
    var a0 = group.bias
    var a1 = a0, a2 = a0, a3 = a0
    for k in 0..<pairs {
        let w = weights[k]
        a0 &+= multiplyAddPairs(broadcastPair(r0.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)), w)
        a1 &+= multiplyAddPairs(broadcastPair(r1.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)), w)
        a2 &+= multiplyAddPairs(broadcastPair(r2.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)), w)
        a3 &+= multiplyAddPairs(broadcastPair(r3.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self)), w)
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
