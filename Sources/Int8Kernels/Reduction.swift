/// Visits every input element in row-major order with the offset of the output element it
/// reduces into; `outputStrides[d]` is 0 for reduced dimensions.
@inline(__always)
func forEachReducedOffset(
    inputDims: UnsafeBufferPointer<Int>, outputStrides: UnsafeBufferPointer<Int>,
    _ body: (_ inputIndex: Int, _ outputOffset: Int) -> Void
) {
    let rank = inputDims.count
    var inputIndex = 0
    func visit(_ dim: Int, _ outputOffset: Int) {
        if dim == rank {
            body(inputIndex, outputOffset)
            inputIndex += 1
            return
        }
        for i in 0..<inputDims[dim] { visit(dim + 1, outputOffset + i * outputStrides[dim]) }
    }
    visit(0, 0)
}

/// int8 MEAN as TFLite's QuantizedMeanOrSum: int32 sums, zero-point correction, then one
/// requantization whose multiplier already folds in `1 / reducedCount`.
///
/// `sums` is scratch with one slot per output element.
public func meanInt8(
    inputDims: UnsafeBufferPointer<Int>, outputStrides: UnsafeBufferPointer<Int>, outputCount: Int,
    reducedCount: Int, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int32,
    input: UnsafePointer<Int8>, sums: UnsafeMutablePointer<Int32>, output: UnsafeMutablePointer<Int8>
) {
    sums.update(repeating: 0, count: outputCount)
    forEachReducedOffset(inputDims: inputDims, outputStrides: outputStrides) { i, o in
        sums[o] = sums[o] &+ Int32(input[i])
    }
    let correction = inputZeroPoint &* Int32(truncatingIfNeeded: reducedCount)
    for o in 0..<outputCount {
        var value = multiplyByQuantizedMultiplier(sums[o] &- correction, multiplier, shift) &+ outputZeroPoint
        value = min(max(value, -128), 127)
        output[o] = Int8(truncatingIfNeeded: value)
    }
}

/// float32 MEAN: float sums in input order, divided by the reduced element count.
public func meanFloat(
    inputDims: UnsafeBufferPointer<Int>, outputStrides: UnsafeBufferPointer<Int>, outputCount: Int,
    reducedCount: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
) {
    output.update(repeating: 0, count: outputCount)
    forEachReducedOffset(inputDims: inputDims, outputStrides: outputStrides) { i, o in
        output[o] += input[i]
    }
    let count = Float(reducedCount)
    for o in 0..<outputCount { output[o] /= count }
}

/// int8 MEAN over height and width of NHWC with kept dimensions, as LiteRT's optimized kernel
/// computes it: raw int32 sums, one requantization, then a precomputed output bias.
///
/// That kernel is NEON code run through an SSE translation on x86: channels in whole blocks of
/// 16 round ties upward, the remaining `channels % 16` use TFLite's scalar rounding.
public func spatialMeanInt8(
    batches: Int, height: Int, width: Int, channels: Int, multiplier: Int32, shift: Int32, bias: Int32,
    input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>
) {
    let blocked = channels / 16 * 16
    for b in 0..<batches {
        for c in 0..<channels {
            var sum: Int32 = 0
            for i in 0..<(height * width) {
                sum = sum &+ Int32(input[(b * height * width + i) * channels + c])
            }
            let scaled = c < blocked ? multiplyByQuantizedMultiplierTiesUp(sum, multiplier, shift)
                : multiplyByQuantizedMultiplier(sum, multiplier, shift)
            output[b * channels + c] = Int8(truncatingIfNeeded: min(max(scaled &+ bias, -128), 127))
        }
    }
}

/// `meanInt8` over the middle `spatial` positions of `[batches, spatial, channels]`, bit for bit
/// (MEAN over height and width without kept dimensions): the int32 sums run over contiguous
/// channel rows instead of visiting each element's output offset. `sums` holds `channels` slots.
public func meanInt8Spatial(
    batches: Int, spatial: Int, channels: Int, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32,
    shift: Int32, input: UnsafePointer<Int8>, sums: UnsafeMutablePointer<Int32>, output: UnsafeMutablePointer<Int8>
) {
    let correction = inputZeroPoint &* Int32(truncatingIfNeeded: spatial)
    for b in 0..<batches {
        sums.update(repeating: 0, count: channels)
        var row = input + b &* spatial &* channels
        for _ in 0..<spatial {
            for c in 0..<channels { sums[c] = sums[c] &+ Int32(row[c]) }
            row += channels
        }
        let out = output + b &* channels
        for c in 0..<channels {
            let value = multiplyByQuantizedMultiplier(sums[c] &- correction, multiplier, shift) &+ outputZeroPoint
            out[c] = Int8(truncatingIfNeeded: min(max(value, -128), 127))
        }
    }
}
