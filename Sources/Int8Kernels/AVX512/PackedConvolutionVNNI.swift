import Int8Kernels

/// An int8 CONV_2D prepared once, at load time, for `convolutionInt8VNNI`: the AVX-512 VNNI
/// counterpart of `PackedConvolution`. Build it only when `avx512VNNIAvailable` is true (its
/// packing code is compiled for x86-64-v4 too).
///
/// vpdpbusd multiplies unsigned by signed bytes, four products per int32 lane, exactly: the
/// kernels feed it the inputs as `x + 128` (`x ^ 0x80`) and the packing folds `-128 * sum(w)`
/// into the bias along with the input zero point. Packing:
/// - the filter is split into segments of adjacent input values as in `PackedConvolution` (a
///   filter row, or one tap when dilated across), each padded to a multiple of 4 with zero weights;
/// - blocks of 16 output channels; for each segment and group of 4 values (a quad), 64 bytes hold
///   each channel's 4 weights (a partial last block has zero weights);
/// - per block: the folded bias and the requantization constants in the lanes of the kernels'
///   64-bit arithmetic.
public struct PackedConvolutionVNNI: Sendable {
    public private(set) var geometry: ConvolutionGeometry
    let segmentLength: Int
    let segmentQuads: Int
    let segmentsPerFilterRow: Int
    let blocks: Int
    /// `[block][segment][quad]`.
    let weights: [SIMD64<Int8>]
    let constants: [VNNIBlockConstants]
    /// The input zero point plus 128: what padding reads.
    let paddingByte: UInt8
    let outputZeroPoint: Int32
    let activationMin: Int32
    let activationMax: Int32
    /// Some channel has a left shift, so the kernels apply `leftShift`.
    let hasLeftShift: Bool
    /// The output zero point is part of the rounding constants (see `VNNIBlockConstants`).
    let foldsZeroPoint: Bool
    /// The activation range is narrower than int8's, so outputs are clamped after saturating.
    let needsClamp: Bool
    /// At most 8 output channels: each vector holds two pixels' channels (lanes 8-15 repeat 0-7).
    let pairsPixels: Bool

    /// Bytes from one converted input row in the scratch to the next; the spare 64 take quads that
    /// run past a segment's end.
    var rowStride: Int { geometry.paddedInputWidth * geometry.inputChannels + 64 }

    /// A 1x1, stride-1, unpadded convolution (see `ConvolutionGeometry.isPointwise`).
    public var isPointwise: Bool { geometry.isPointwise }

    /// Pixels a kernel call computes together: 8, or 16 when vectors hold two pixels.
    var tilePixels: Int { pairsPixels ? 16 : 8 }

    /// Pixels a pointwise convolution converts at a time: a row's worth in whole tiles, which
    /// keeps the scratch (and so the arena) no larger than the int16 rows of `PackedConvolution`.
    var pointwiseChunk: Int { (max(geometry.outputWidth, 1) + tilePixels - 1) / tilePixels * tilePixels }

    /// Scratch bytes a call needs (per thread when calls run in parallel).
    public var scratchByteCount: Int {
        isPointwise ? pointwiseChunk * geometry.inputChannels + 64 : geometry.filterHeight * rowStride
    }

    /// The same packed weights for a convolution that reads the unpadded input of a PAD.
    public func absorbingPadding(height: Int, width: Int, top: Int, left: Int) -> PackedConvolutionVNNI {
        var moved = self
        moved.geometry = geometry.absorbingPadding(height: height, width: width, top: top, left: left)
        return moved
    }

    /// The same arguments as `PackedConvolution.init`: `q.inputOffset` in -127...128 and shifts
    /// at least -31.
    public init(_ g: ConvolutionGeometry, _ q: ChannelRequantization, filter: UnsafePointer<Int8>,
                bias: UnsafePointer<Int32>?) {
        geometry = g
        let wholeRows = g.dilationWidth == 1
        segmentLength = wholeRows ? g.filterWidth * g.inputChannels : g.inputChannels
        segmentQuads = (segmentLength + 3) / 4
        segmentsPerFilterRow = wholeRows ? 1 : g.filterWidth
        let segments = g.filterHeight * segmentsPerFilterRow
        let depth = g.filterHeight * g.filterWidth * g.inputChannels
        let channels = g.outputChannels
        blocks = (channels + 15) / 16
        pairsPixels = channels <= 8
        paddingByte = UInt8(truncatingIfNeeded: 128 - q.inputOffset)
        outputZeroPoint = q.outputZeroPoint
        activationMin = q.activationMin
        activationMax = q.activationMax
        needsClamp = q.activationMin > -128 || q.activationMax < 127
        // Up to a right shift of 22 the zero point times 2^(31+s) keeps the sums inside int64.
        var folds = true
        for channel in 0..<channels where q.shifts[channel] < -22 { folds = false }
        foldsZeroPoint = folds
        var weights = [SIMD64<Int8>](repeating: SIMD64(), count: blocks * segments * segmentQuads)
        var constants: [VNNIBlockConstants] = []
        var leftShift = false
        for block in 0..<blocks {
            var biases = [Int32](repeating: 0, count: 16)
            var multipliers = [Int32](repeating: 0, count: 16)
            var shifts = [Int32](repeating: -1, count: 16)
            for lane in 0..<(pairsPixels ? 16 : min(16, channels - 16 * block)) {
                guard lane % 8 < channels || !pairsPixels else { continue }
                let channel = pairsPixels ? lane % 8 : 16 * block + lane
                var sum: Int32 = 0
                for segment in 0..<segments {
                    for j in 0..<segmentLength {
                        let weight = filter[channel * depth + segment * segmentLength + j]
                        weights[(block * segments + segment) * segmentQuads + j / 4][4 * lane + j % 4] = weight
                        sum = sum &+ Int32(weight)
                    }
                }
                biases[lane] = (bias?[channel] ?? 0) &+ (q.inputOffset &- 128) &* sum
                multipliers[lane] = q.multipliers[channel]
                shifts[lane] = q.shifts[channel]
                if shifts[lane] > 0 { leftShift = true }
            }
            constants.append(VNNIBlockConstants(bias: biases, multipliers: multipliers, shifts: shifts,
                                                zeroPoint: folds ? q.outputZeroPoint : 0))
        }
        self.weights = weights
        self.constants = constants
        hasLeftShift = leftShift
    }
}

/// The folded bias and requantization constants of 16 output channels. With the left shift
/// applied first, `multiplyByQuantizedMultiplierTiesUp` is one rounding,
/// `floor((x*M + 2^30 + 2^(30+s)) / 2^(31+s))` for a right shift `s >= 1` (`floor((x*M + 2^30) /
/// 2^31)` without), which AVX-512's 64-bit arithmetic shift computes directly; the sum fits in
/// int64 for every int32 `x` and `M`.
struct VNNIBlockConstants: Sendable {
    var bias: SIMD16<Int32>
    /// vpmuldq reads lanes 0, 2, ...; `multiplierOdd` holds lane 2i+1's multiplier in lane 2i.
    var multiplier: SIMD16<Int32>
    var multiplierOdd: SIMD16<Int32>
    /// The rounding constant and `31 + s` of lanes 0, 2, ... and of lanes 1, 3, ...
    var roundingEven: SIMD8<Int64>
    var roundingOdd: SIMD8<Int64>
    var shiftEven: SIMD8<Int64>
    var shiftOdd: SIMD8<Int64>
    /// `max(shift, 0) & 31`: the reference's wrapping `x &<< leftShift`.
    var leftShift: SIMD16<Int32>

    /// `zeroPoint` (when not 0) is added to every result through the rounding constants:
    /// `floor((p + z * 2^(31+s)) / 2^(31+s)) = floor(p / 2^(31+s)) + z`, which stays inside int64
    /// for right shifts up to 22.
    init(bias: [Int32], multipliers: [Int32], shifts: [Int32], zeroPoint: Int32) {
        self.bias = SIMD16()
        multiplier = SIMD16()
        multiplierOdd = SIMD16()
        leftShift = SIMD16()
        roundingEven = SIMD8()
        roundingOdd = SIMD8()
        shiftEven = SIMD8()
        shiftOdd = SIMD8()
        for lane in 0..<16 {
            let right = max(-shifts[lane], 0)
            self.bias[lane] = bias[lane]
            multiplier[lane] = multipliers[lane]
            leftShift[lane] = max(shifts[lane], 0) & 31
            let shift = 31 + Int64(right)
            let rounding: Int64 = (right > 0 ? (1 << 30) + (1 << (30 + Int64(right))) : 1 << 30)
                &+ (zeroPoint == 0 ? 0 : Int64(zeroPoint) << shift)
            if lane % 2 == 0 {
                roundingEven[lane / 2] = rounding
                shiftEven[lane / 2] = shift
            } else {
                multiplierOdd[lane - 1] = multipliers[lane]
                roundingOdd[lane / 2] = rounding
                shiftOdd[lane / 2] = shift
            }
        }
    }
}
