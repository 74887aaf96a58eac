/// An int8 DEPTHWISE_CONV_2D prepared once, at load time, for `depthwiseConvolutionInt8Fast`.
///
/// The runtime builds it from the operator's geometry, depth multiplier, `ChannelRequantization`,
/// the 1HWO filter bytes and the int32 bias (or nil), keeps it for the life of the model, and
/// gives each call `scratchByteCount` bytes of scratch. Packing: taps are taken two at a time and
/// each channel's two weights stored side by side in int16 (for vpmaddwd), 8 channels per vector,
/// the output channels padded to a multiple of 16 and an odd last tap paired with a zero weight;
/// the input zero point folded into the bias (`bias - inputZeroPoint * sum(weights)`, wrapping,
/// so padding taps read the zero point); requantization constants spread into SIMD lanes.
public struct PackedDepthwiseConvolution: Sendable {
    public private(set) var geometry: ConvolutionGeometry
    public let depthMultiplier: Int
    /// Vectors per tap pair: output channels rounded up to 16, over 8.
    let vectorsPerPair: Int
    /// `[tap pair][vectorsPerPair]`: lane `2l + j` of vector `g` holds the weight of tap
    /// `2 * pair + j` for channel `8g + l`.
    let weights: [SIMD16<Int16>]
    /// Folded bias and requantization lanes of every 8 output channels.
    let groups: [ChannelGroup]
    /// Some channel has a left shift or no right shift (see `RequantizationVectors.isGeneral`).
    let hasGeneralRequantization: Bool
    /// Adjacent output pixels one 16-lane vector covers: `16 / channels` when the channel count
    /// divides 16 at stride 1 with multiplier 1 (the pixels' inputs are then adjacent too), else 1.
    let pixelsPerVector: Int
    /// `[tap pair][2]`: `weights` for lanes that repeat the channels `pixelsPerVector` times.
    let repeatedWeights: [SIMD16<Int16>]
    /// The two groups of 8 lanes of a vector of `pixelsPerVector` pixels.
    let repeatedGroups: [ChannelGroup]
    let inputZeroPoint: Int8
    let outputZeroPoint: Int32
    let activationMin: Int32
    let activationMax: Int32

    var taps: Int { geometry.filterHeight * geometry.filterWidth }
    var tapPairs: Int { (taps + 1) / 2 }

    /// The same packed weights for a depthwise convolution that reads the unpadded input of a PAD:
    /// the input is `height` x `width` and the window starts `top` rows and `left` columns earlier.
    public func absorbingPadding(height: Int, width: Int, top: Int, left: Int) -> PackedDepthwiseConvolution {
        var moved = self
        moved.geometry = geometry.absorbingPadding(height: height, width: width, top: top, left: left)
        return moved
    }

    /// Scratch bytes `depthwiseConvolutionInt8Fast` needs per call (16-byte aligned; per thread when
    /// calls run in parallel): input pointers for each filter row and twice for each tap, and an
    /// input row of zero points.
    public var scratchByteCount: Int {
        (geometry.filterHeight + 2 * taps) * MemoryLayout<UnsafePointer<Int8>>.stride
            + geometry.inputWidth * geometry.inputChannels
    }

    /// `q.inputOffset` must be in -127...128 (an int8 zero point) and `q`'s shifts at least -31.
    public init(_ g: ConvolutionGeometry, depthMultiplier: Int, _ q: ChannelRequantization,
                filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?) {
        geometry = g
        self.depthMultiplier = depthMultiplier
        let channels = g.outputChannels
        vectorsPerPair = (channels + 15) / 16 * 2
        inputZeroPoint = Int8(truncatingIfNeeded: -q.inputOffset)
        outputZeroPoint = q.outputZeroPoint
        activationMin = q.activationMin
        activationMax = q.activationMax
        let taps = g.filterHeight * g.filterWidth
        let tapPairs = (taps + 1) / 2
        var folded = [Int32](repeating: 0, count: channels)
        for channel in 0..<channels {
            var sum: Int32 = 0
            for tap in 0..<taps { sum = sum &+ Int32(filter[tap * channels + channel]) }
            folded[channel] = (bias?[channel] ?? 0) &+ q.inputOffset &* sum
        }

        /// The paired weights (one vector per tap pair) and the group of 8 lanes holding `lanes`'
        /// channels (nil: an unused lane).
        func group(_ lanes: [Int?]) -> (weights: [SIMD16<Int16>], group: ChannelGroup) {
            var weights = [SIMD16<Int16>](repeating: SIMD16(), count: tapPairs)
            var bias = SIMD8<Int32>()
            let used = lanes.compactMap { $0 }
            for (lane, channel) in lanes.enumerated() {
                guard let channel else { continue }
                for tap in 0..<taps { weights[tap / 2][2 * lane + tap % 2] = Int16(filter[tap * channels + channel]) }
                bias[lane] = folded[channel]
            }
            let multipliers = used.map { q.multipliers[$0] }
            let shifts = used.map { q.shifts[$0] }
            return (weights, ChannelGroup(bias: bias, multipliers: multipliers, shifts: shifts, first: 0, count: used.count))
        }

        // Whole blocks of 16 channels with multiplier 1 take the AVX2 lane order; the rest stay in order.
        let wholeBlocks = depthMultiplier == 1 ? channels / 16 : 0
        var weights = [SIMD16<Int16>](repeating: SIMD16(), count: tapPairs * vectorsPerPair)
        var groups: [ChannelGroup] = []
        for index in 0..<(channels + 7) / 8 {
            let lanes: [Int?] = (0..<8).map { lane in
                let channel = index / 2 < wholeBlocks ? 16 * (index / 2) + Self.blockLaneChannel(8 * (index % 2) + lane)
                    : 8 * index + lane
                return channel < channels ? channel : nil
            }
            let (pairWeights, channelGroup) = group(lanes)
            for pair in 0..<tapPairs { weights[pair * vectorsPerPair + index] = pairWeights[pair] }
            groups.append(channelGroup)
        }
        self.weights = weights
        self.groups = groups
        hasGeneralRequantization = groups.contains { $0.vectors.isGeneral }

        let repeats = depthMultiplier == 1 && g.strideWidth == 1 && channels < 16 && 16 % channels == 0
        pixelsPerVector = repeats ? 16 / channels : 1
        var repeatedWeights = [SIMD16<Int16>](repeating: SIMD16(), count: repeats ? tapPairs * 2 : 0)
        var repeatedGroups: [ChannelGroup] = []
        if repeats {
            for half in 0..<2 {
                let (pairWeights, channelGroup) = group((0..<8).map { Self.blockLaneChannel(8 * half + $0) % channels })
                for pair in 0..<tapPairs { repeatedWeights[pair * 2 + half] = pairWeights[pair] }
                repeatedGroups.append(channelGroup)
            }
        }
        self.repeatedWeights = repeatedWeights
        self.repeatedGroups = repeatedGroups
    }

    /// Which of 16 adjacent input bytes lane `lane` of a block's two 8-lane groups reads. The AVX2
    /// kernel pairs taps with in-lane unpacks, which give groups of channels 0-3 and 8-11, and
    /// 4-7 and 12-15; its saturating pack restores the order. The portable kernel keeps it.
    static func blockLaneChannel(_ lane: Int) -> Int {
        #if TINYSSD_AVX2
        return (lane & 3) | ((lane & 4) << 1) | ((lane & 8) >> 1)
        #else
        return lane
        #endif
    }
}
