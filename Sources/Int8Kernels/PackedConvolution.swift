/// An int8 CONV_2D prepared once, at load time, for `convolutionInt8Fast`.
///
/// The runtime builds it from the operator's geometry, its `ChannelRequantization`, the OHWI
/// filter bytes and the int32 bias (or nil), keeps it for the life of the model, and gives each
/// call `scratchByteCount` bytes of scratch. Packing:
/// - a filter row (taps x input channels, in OHWI order) is the "depth" of a matrix product whose
///   rows are im2col rows of the input; weights are widened to int16 and stored as pairs along
///   the depth (zero-padded to an even depth), 8 output channels per SIMD16 vector, in blocks of
///   16 output channels (a final block of 8 when `outputChannels % 16` is 1...8);
/// - the input zero point is folded into the bias: `bias - inputZeroPoint * sum(weights)` in
///   wrapping int32, exactly what the reference accumulates (padding taps then read the zero point);
/// - per-channel requantization constants are spread into SIMD lanes (`RequantizationLanes`).
public struct PackedConvolution: Sendable {
    public let geometry: ConvolutionGeometry
    /// Taps times input channels: the length of an im2col row.
    let depth: Int
    /// `depth` in int16 pairs, rounded up.
    let pairs: Int
    /// Blocks of 16 output channels; a final block of 8 follows when `hasNarrowBlock`.
    let wideBlocks: Int
    let hasNarrowBlock: Bool
    /// Block b's vectors for pair k are at `(2b) * pairs + 2k` and `+ 1`; the narrow block's at
    /// `2 * wideBlocks * pairs + k`.
    let weights: [SIMD16<Int16>]
    /// Folded bias and requantization lanes of every 8 output channels.
    let groups: [ChannelGroup]
    let inputZeroPoint: Int16
    let outputZeroPoint: Int32
    let activationMin: Int32
    let activationMax: Int32

    /// Output pixels computed together; also the number of im2col rows in the scratch.
    static let pixelsPerBlock = 4

    /// Scratch bytes `convolutionInt8Fast` needs per call (any alignment; per thread when calls
    /// run in parallel).
    public var scratchByteCount: Int { Self.pixelsPerBlock * rowStride * 2 }

    /// int16 values from one im2col row in the scratch to the next.
    var rowStride: Int { pairs * 2 + im2colSlack }

    /// `q.inputOffset` must be in -127...128 (an int8 zero point) and `q`'s shifts at least -31.
    public init(_ g: ConvolutionGeometry, _ q: ChannelRequantization, filter: UnsafePointer<Int8>,
                bias: UnsafePointer<Int32>?) {
        geometry = g
        depth = g.filterHeight * g.filterWidth * g.inputChannels
        pairs = (depth + 1) / 2
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
                let row = filter + channel * depth
                var sum: Int32 = 0
                for k in 0..<depth {
                    let weight = Int16(row[k])
                    weights[vectorBase + (k / 2) * vectorStride][2 * lane + k % 2] = weight
                    sum = sum &+ Int32(weight)
                }
                folded[lane] = (bias?[channel] ?? 0) &+ q.inputOffset &* sum
            }
            groups.append(ChannelGroup(
                bias: folded, lanes: RequantizationLanes(multipliers: q.multipliers, shifts: q.shifts, first: first, count: count)))
        }
        self.weights = weights
        self.groups = groups
    }
}

/// The folded bias and requantization constants of 8 output channels.
struct ChannelGroup: Sendable {
    var bias: SIMD8<Int32>
    var lanes: RequantizationLanes
}
