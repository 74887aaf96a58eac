import Int8Kernels

/// An int8 DEPTHWISE_CONV_2D prepared once, at load time, for `depthwiseConvolutionInt8VNNI`:
/// 3x3 filters (any stride, dilation and padding) with depth multiplier 1, over whole blocks of 32
/// channels, or at stride 1 over 1, 2, 4, 8 or 16 channels (a block then holds 32 / channels
/// adjacent pixels). Other layers keep `PackedDepthwiseConvolution`; `init` returns nil for them.
/// Build it only when `avx512VNNIAvailable` is true.
///
/// vpdpbusd takes 4 taps per int32 lane: taps 0-3, taps 4-7, and tap 8 with three zero weights.
/// The kernel interleaves 4 taps' 32 input bytes with in-lane unpacks, which leave channels
/// `16h + 4k + i` in lane `4h + i` of vector `k`; weights and constants use that order. Inputs
/// are `x + 128` (`-128 * sum(w)` folded into the bias with the input zero point), as in
/// `PackedConvolutionVNNI`.
public struct PackedDepthwiseConvolutionVNNI: Sendable {
    public private(set) var geometry: ConvolutionGeometry
    /// Blocks of 32 channels (1 when a block holds several pixels).
    let blocks: Int
    /// `[block][tap group 0...2][vector 0...3]`: 8 channels x 4 taps each.
    let weights: [SIMD32<Int8>]
    /// `[block][vector 0...3]`: lanes 0-7 hold the vector's channels.
    let constants: [VNNIBlockConstants]
    /// The input zero point plus 128: what padding reads.
    let paddingByte: UInt8
    let outputZeroPoint: Int32
    let activationMin: Int32
    let activationMax: Int32
    let hasLeftShift: Bool
    let foldsZeroPoint: Bool
    let needsClamp: Bool

    /// Output pixels converted and computed at a time: as many as keep a converted row within 768
    /// bytes (so the scratch stays below that of the models' other layers, and the arena small),
    /// whole blocks when a block holds several pixels.
    let chunkPixels: Int

    /// Columns of input a chunk of `pixels` output pixels reads, padding included.
    func chunkColumns(_ pixels: Int) -> Int {
        (pixels - 1) * geometry.strideWidth + 2 * geometry.dilationWidth + 1
    }

    /// Bytes from one converted input row to the next; the spare 32 take the reads of a chunk's
    /// last block past its end.
    var rowStride: Int { chunkColumns(chunkPixels) * geometry.inputChannels + 32 }

    /// Scratch bytes a call needs (per thread when calls run in parallel): three converted rows.
    public var scratchByteCount: Int { 3 * rowStride }

    /// The same packed weights for a depthwise convolution that reads the unpadded input of a PAD.
    public func absorbingPadding(height: Int, width: Int, top: Int, left: Int) -> PackedDepthwiseConvolutionVNNI {
        var moved = self
        moved.geometry = geometry.absorbingPadding(height: height, width: width, top: top, left: left)
        return moved
    }

    /// The arguments of `PackedDepthwiseConvolution.init`; nil for layers this kernel does not take.
    public init?(_ g: ConvolutionGeometry, depthMultiplier: Int, _ q: ChannelRequantization,
                 filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?) {
        let channels = g.outputChannels
        guard depthMultiplier == 1, g.filterHeight == 3, g.filterWidth == 3, channels == g.inputChannels,
              channels % 32 == 0 || (g.strideWidth == 1 && 32 % channels == 0) else { return nil }
        geometry = g
        blocks = max(channels / 32, 1)
        let fitting = ((768 - 32) / channels - 2 * g.dilationWidth - 1) / g.strideWidth + 1
        let pixelsPerBlock = max(32 / channels, 1)
        chunkPixels = max(fitting / pixelsPerBlock, 1) * pixelsPerBlock
        paddingByte = UInt8(truncatingIfNeeded: 128 - q.inputOffset)
        outputZeroPoint = q.outputZeroPoint
        activationMin = q.activationMin
        activationMax = q.activationMax
        needsClamp = q.activationMin > -128 || q.activationMax < 127
        // As in PackedConvolutionVNNI: the zero point joins the rounding up to a right shift of 22.
        var folds = true
        var leftShift = false
        for channel in 0..<channels {
            if q.shifts[channel] < -22 { folds = false }
            if q.shifts[channel] > 0 { leftShift = true }
        }
        foldsZeroPoint = folds
        hasLeftShift = leftShift
        var weights = [SIMD32<Int8>](repeating: SIMD32(), count: blocks * 12)
        var constants: [VNNIBlockConstants] = []
        for block in 0..<blocks {
            for k in 0..<4 {
                var biases = [Int32](repeating: 0, count: 16)
                var multipliers = [Int32](repeating: 0, count: 16)
                var shifts = [Int32](repeating: -1, count: 16)
                for lane in 0..<8 {
                    let channel = (32 * block + 16 * (lane / 4) + 4 * k + lane % 4) % channels
                    var sum: Int32 = 0
                    for tap in 0..<9 {
                        let weight = filter[tap * channels + channel]
                        weights[(block * 3 + tap / 4) * 4 + k][4 * lane + tap % 4] = weight
                        sum = sum &+ Int32(weight)
                    }
                    // Lanes 8-15 repeat 0-7; the kernel uses only the low half.
                    for half in [lane, lane + 8] {
                        biases[half] = (bias?[channel] ?? 0) &+ (q.inputOffset &- 128) &* sum
                        multipliers[half] = q.multipliers[channel]
                        shifts[half] = q.shifts[channel]
                    }
                }
                constants.append(VNNIBlockConstants(bias: biases, multipliers: multipliers, shifts: shifts,
                                                    zeroPoint: folds ? q.outputZeroPoint : 0))
            }
        }
        self.weights = weights
        self.constants = constants
    }
}
