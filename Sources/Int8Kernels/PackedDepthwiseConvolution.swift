/// An int8 DEPTHWISE_CONV_2D prepared once, at load time, for `depthwiseConvolutionInt8Fast`.
///
/// The runtime builds it from the operator's geometry, depth multiplier, `ChannelRequantization`,
/// the 1HWO filter bytes and the int32 bias (or nil), keeps it for the life of the model, and
/// gives each call `scratchByteCount` bytes of scratch. Packing: weights widened to int16, tap by
/// tap with the output channels padded to a multiple of 16; the input zero point folded into the
/// bias (`bias - inputZeroPoint * sum(weights)`, wrapping, so padding taps read the zero point);
/// requantization constants spread into SIMD lanes.
public struct PackedDepthwiseConvolution: Sendable {
    public let geometry: ConvolutionGeometry
    public let depthMultiplier: Int
    /// Output channels rounded up to 16: the distance between two taps' weights.
    let channelStride: Int
    /// `[tap][channelStride]`, zero past the output channels.
    let weights: [Int16]
    /// Folded bias and requantization lanes of every 8 output channels.
    let groups: [ChannelGroup]
    /// Adjacent output pixels one 16-lane vector covers: `16 / channels` when the channel count
    /// divides 16 at stride 1 with multiplier 1 (the pixels' inputs are then adjacent too), else 1.
    let pixelsPerVector: Int
    /// `[tap][16]`: each tap's weights repeated `pixelsPerVector` times.
    let repeatedWeights: [Int16]
    /// The two groups of 8 lanes of a vector of `pixelsPerVector` pixels.
    let repeatedGroups: [ChannelGroup]
    let inputZeroPoint: Int8
    let outputZeroPoint: Int32
    let activationMin: Int32
    let activationMax: Int32

    var taps: Int { geometry.filterHeight * geometry.filterWidth }

    /// Scratch bytes `depthwiseConvolutionInt8Fast` needs per call (16-byte aligned; per thread when
    /// calls run in parallel): input pointers for each filter row and each tap, and an input row
    /// of zero points.
    public var scratchByteCount: Int {
        (geometry.filterHeight + taps) * MemoryLayout<UnsafePointer<Int8>>.stride
            + geometry.inputWidth * geometry.inputChannels
    }

    /// `q.inputOffset` must be in -127...128 (an int8 zero point) and `q`'s shifts at least -31.
    public init(_ g: ConvolutionGeometry, depthMultiplier: Int, _ q: ChannelRequantization,
                filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?) {
        geometry = g
        self.depthMultiplier = depthMultiplier
        let channels = g.outputChannels
        channelStride = (channels + 15) / 16 * 16
        inputZeroPoint = Int8(truncatingIfNeeded: -q.inputOffset)
        outputZeroPoint = q.outputZeroPoint
        activationMin = q.activationMin
        activationMax = q.activationMax
        let taps = g.filterHeight * g.filterWidth
        var weights = [Int16](repeating: 0, count: taps * channelStride)
        var groups: [ChannelGroup] = []
        groups.reserveCapacity((channels + 7) / 8)
        for first in stride(from: 0, to: channels, by: 8) {
            let count = min(8, channels - first)
            var folded = SIMD8<Int32>()
            for lane in 0..<count {
                let channel = first + lane
                var sum: Int32 = 0
                for tap in 0..<taps {
                    let weight = filter[tap * channels + channel]
                    weights[tap * channelStride + channel] = Int16(weight)
                    sum = sum &+ Int32(weight)
                }
                folded[lane] = (bias?[channel] ?? 0) &+ q.inputOffset &* sum
            }
            groups.append(ChannelGroup(
                bias: folded, lanes: RequantizationLanes(multipliers: q.multipliers, shifts: q.shifts, first: first, count: count)))
        }
        self.weights = weights
        self.groups = groups

        let repeats = depthMultiplier == 1 && g.strideWidth == 1 && channels < 16 && 16 % channels == 0
        pixelsPerVector = repeats ? 16 / channels : 1
        var repeatedWeights = [Int16](repeating: 0, count: repeats ? taps * 16 : 0)
        var repeatedGroups: [ChannelGroup] = []
        if repeats {
            for tap in 0..<taps {
                for lane in 0..<16 { repeatedWeights[tap * 16 + lane] = weights[tap * channelStride + lane % channels] }
            }
            for half in 0..<2 {
                var group = groups[0]
                for lane in 0..<8 {
                    let source = groups[(8 * half + lane) % channels / 8]
                    let sourceLane = (8 * half + lane) % channels % 8
                    group.bias[lane] = source.bias[sourceLane]
                    group.lanes.copyLane(lane, from: source.lanes, lane: sourceLane)
                }
                repeatedGroups.append(group)
            }
        }
        self.repeatedWeights = repeatedWeights
        self.repeatedGroups = repeatedGroups
    }
}
