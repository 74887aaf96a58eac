/// An int8 CONV_2D prepared once, at load time, for `convolutionInt8Fast`.
///
/// The runtime builds it from the operator's geometry, its `ChannelRequantization`, the OHWI
/// filter bytes and the int32 bias (or nil), keeps it for the life of the model, and gives each
/// call `scratchByteCount` bytes of scratch. Packing:
/// - the filter is split into segments that read adjacent input values: one per filter row when
///   the filter is not dilated across (`filterWidth * inputChannels` values), else one per tap
///   (`inputChannels` values); each segment is padded to an even length with zero weights;
/// - weights are widened to int16 and stored as pairs along the segments, 8 output channels per
///   SIMD16 vector (for vpmaddwd), in blocks of 16 output channels (a final block of 8 when
///   `outputChannels % 16` is 1...8);
/// - the input zero point is folded into the bias: `bias - inputZeroPoint * sum(weights)` in
///   wrapping int32, exactly what the reference accumulates (padding then reads the zero point);
/// - per-channel requantization constants are spread into SIMD lanes (`RequantizationLanes`).
public struct PackedConvolution: Sendable {
    public private(set) var geometry: ConvolutionGeometry
    /// Input values one segment reads, and the same in int16 pairs (rounded up).
    let segmentLength: Int
    let segmentPairs: Int
    /// Segments per filter row: 1 for whole filter rows, `filterWidth` for single taps.
    let segmentsPerFilterRow: Int
    /// Pairs of one output channel over all segments.
    let pairs: Int
    /// Blocks of 16 output channels; a final block of 8 follows when `hasNarrowBlock`.
    let wideBlocks: Int
    let hasNarrowBlock: Bool
    /// Block b's vectors for pair k are at `2 * b * pairs + 2k` and `+ 1`; the narrow block's at
    /// `2 * wideBlocks * pairs + k`.
    let weights: [SIMD16<Int16>]
    /// Folded bias and requantization lanes of every 8 output channels.
    let groups: [ChannelGroup]
    /// Some channel has a left shift or no right shift (see `RequantizationVectors.isGeneral`).
    let hasGeneralRequantization: Bool
    let inputZeroPoint: Int16
    let outputZeroPoint: Int32
    let activationMin: Int32
    let activationMax: Int32

    /// int16 values from one widened input row in the scratch to the next; the 16 spare values
    /// take block copies that run past the row and the odd pad of the last segment.
    var rowStride: Int { geometry.paddedInputWidth * geometry.inputChannels + 16 }

    /// A 1x1, stride-1, unpadded convolution (see `ConvolutionGeometry.isPointwise`).
    var isPointwise: Bool { geometry.isPointwise }

    /// Output zero point and activation range.
    var clamp: OutputClamp { OutputClamp(zeroPoint: outputZeroPoint, low: activationMin, high: activationMax) }

    /// Pixels a pointwise convolution widens at a time: a row's worth, in whole blocks of 4.
    var pointwiseChunk: Int { (max(geometry.outputWidth, 4) + 3) / 4 * 4 }

    /// The same packed weights for a convolution that reads the unpadded input of a PAD: the
    /// input is `height` x `width` and the window starts `top` rows and `left` columns earlier.
    public func absorbingPadding(height: Int, width: Int, top: Int, left: Int) -> PackedConvolution {
        var moved = self
        moved.geometry = geometry.absorbingPadding(height: height, width: width, top: top, left: left)
        return moved
    }

    /// Scratch bytes `convolutionInt8Fast` needs per call: one widened input row per filter row,
    /// or `pointwiseChunk` widened pixels for a pointwise convolution (16-byte aligned; per thread
    /// when calls run in parallel).
    public var scratchByteCount: Int {
        isPointwise ? (pointwiseChunk * geometry.inputChannels + 16) * 2 : geometry.filterHeight * rowStride * 2
    }

    /// `q.inputOffset` must be in -127...128 (an int8 zero point) and `q`'s shifts at least -31.
    public init(_ g: ConvolutionGeometry, _ q: ChannelRequantization, filter: UnsafePointer<Int8>,
                bias: UnsafePointer<Int32>?) {
        geometry = g
        let wholeRows = g.dilationWidth == 1
        segmentLength = wholeRows ? g.filterWidth * g.inputChannels : g.inputChannels
        segmentPairs = (segmentLength + 1) / 2
        segmentsPerFilterRow = wholeRows ? 1 : g.filterWidth
        let segments = g.filterHeight * segmentsPerFilterRow
        pairs = segments * segmentPairs
        let depth = g.filterHeight * g.filterWidth * g.inputChannels
        let channels = g.outputChannels
        let remainder = channels % 16
        hasNarrowBlock = remainder >= 1 && remainder <= 8
        wideBlocks = hasNarrowBlock ? channels / 16 : (channels + 15) / 16
        let groupCount = 2 * wideBlocks + (hasNarrowBlock ? 1 : 0)
        inputZeroPoint = Int16(truncatingIfNeeded: -q.inputOffset)
        outputZeroPoint = q.outputZeroPoint
        activationMin = q.activationMin
        activationMax = q.activationMax

        var weights = [SIMD16<Int16>](repeating: SIMD16(), count: groupCount * pairs)
        var groups: [ChannelGroup] = []
        groups.reserveCapacity(groupCount)
        for group in 0..<groupCount {
            let first = group * 8
            let count = min(8, channels - first)
            let vectorBase = group < 2 * wideBlocks ? (group / 2) * 2 * pairs + group % 2 : 2 * wideBlocks * pairs
            let vectorStride = group < 2 * wideBlocks ? 2 : 1
            var folded = SIMD8<Int32>()
            for lane in 0..<count {
                let channel = first + lane
                var sum: Int32 = 0
                for segment in 0..<segments {
                    for j in 0..<segmentLength {
                        let weight = Int16(filter[channel * depth + segment * segmentLength + j])
                        let k = segment * segmentPairs * 2 + j
                        weights[vectorBase + (k / 2) * vectorStride][2 * lane + k % 2] = weight
                        sum = sum &+ Int32(weight)
                    }
                }
                folded[lane] = (bias?[channel] ?? 0) &+ q.inputOffset &* sum
            }
            groups.append(ChannelGroup(bias: folded, multipliers: q.multipliers, shifts: q.shifts, first: first, count: count))
        }
        self.weights = weights
        self.groups = groups
        hasGeneralRequantization = groups.contains { $0.vectors.isGeneral }
    }
}

/// The folded bias and requantization constants of 8 output channels, in the layouts of the
/// portable and the AVX2 requantization.
struct ChannelGroup: Sendable {
    var bias: SIMD8<Int32>
    var lanes: RequantizationLanes
    var vectors: RequantizationVectors

    init(bias: SIMD8<Int32>, multipliers: UnsafePointer<Int32>, shifts: UnsafePointer<Int32>, first: Int, count: Int) {
        self.bias = bias
        lanes = RequantizationLanes(multipliers: multipliers, shifts: shifts, first: first, count: count)
        vectors = RequantizationVectors(multipliers: multipliers, shifts: shifts, first: first, count: count)
    }
}
