/// A float32 CONV_2D prepared once, at load time, for `convolutionFloatFast`.
///
/// The runtime builds it from the operator's geometry, the OHWI filter, the bias (or nil) and the
/// fused activation range, keeps it for the life of the model, and gives each call
/// `scratchByteCount` bytes of scratch. Packing:
/// - output channels go in blocks of 16 (a final block of 8 when `outputChannels % 16` is 1...8),
///   unused lanes of the last block with zero weights and bias;
/// - block `b` holds its weights along the filter's depth (`filterHeight * filterWidth *
///   inputChannels`, OHWI order), 16 (or 8) channels side by side per depth step, so the kernel
///   streams one vector per step and broadcasts one input value into it per pixel;
/// - the bias is the accumulators' starting value (zeros without a bias).
public struct PackedConvolutionFloat: Sendable {
    public private(set) var geometry: ConvolutionGeometry
    /// Input values one segment reads: a whole filter row (`filterWidth * inputChannels`) when the
    /// filter is not dilated across, else one tap (`inputChannels`).
    let segmentLength: Int
    /// Segments per filter row: 1 for whole filter rows, `filterWidth` for single taps.
    let segmentsPerFilterRow: Int
    /// `filterHeight * filterWidth * inputChannels`: the weights of one output channel.
    let depth: Int
    /// Blocks of 16 output channels; a final block of 8 follows when `hasNarrowBlock`.
    let wideBlocks: Int
    let hasNarrowBlock: Bool
    /// Wide block `b` at `16 * depth * b` (16 floats per depth step), the narrow block after them
    /// (8 per step).
    let weights: [Float]
    /// One value per packed lane: `16 * wideBlocks` (+ 8) values.
    let bias: [Float]
    public let activationMin: Float
    public let activationMax: Float

    /// A 1x1, stride-1, unpadded convolution (see `ConvolutionGeometry.isPointwise`): a GEMM over
    /// consecutive pixels that reads the input in place.
    public var isPointwise: Bool { geometry.isPointwise }

    /// Floats of one padded input row in the scratch, rounded up to keep rows 16-byte aligned.
    var rowStride: Int { (geometry.paddedInputWidth * geometry.inputChannels + 3) / 4 * 4 }

    /// Bytes at the start of the scratch for the filter rows' input pointers.
    var rowPointerBytes: Int { (geometry.filterHeight * MemoryLayout<UnsafePointer<Float>>.stride + 15) / 16 * 16 }

    /// Whether every input row must be copied with its left and right padding (else rows inside
    /// the input are read where they are).
    var copiesRows: Bool { geometry.padLeft != 0 || geometry.paddedInputWidth > geometry.inputWidth }

    /// Scratch bytes `convolutionFloatFast` needs per call (16-byte aligned; per thread when calls
    /// run in parallel): an input pointer and a padded input row for each filter row; none for a
    /// pointwise convolution.
    public var scratchByteCount: Int {
        isPointwise ? 0 : rowPointerBytes + geometry.filterHeight * rowStride * MemoryLayout<Float>.stride
    }

    /// The same packed weights for a convolution that reads the unpadded input of a PAD: the
    /// input is `height` x `width` and the window starts `top` rows and `left` columns earlier.
    public func absorbingPadding(height: Int, width: Int, top: Int, left: Int) -> PackedConvolutionFloat {
        var moved = self
        moved.geometry = geometry.absorbingPadding(height: height, width: width, top: top, left: left)
        return moved
    }

    /// `filter` is OHWI (`outputChannels * depth` floats), `bias` `outputChannels` floats or nil;
    /// outputs are clamped to `activationMin...activationMax` (±infinity for no activation).
    public init(_ g: ConvolutionGeometry, filter: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                activationMin: Float, activationMax: Float) {
        geometry = g
        let wholeRows = g.dilationWidth == 1
        segmentLength = wholeRows ? g.filterWidth * g.inputChannels : g.inputChannels
        segmentsPerFilterRow = wholeRows ? 1 : g.filterWidth
        let depth = g.filterHeight * g.filterWidth * g.inputChannels
        self.depth = depth
        let channels = g.outputChannels
        let remainder = channels % 16
        hasNarrowBlock = remainder >= 1 && remainder <= 8
        wideBlocks = hasNarrowBlock ? channels / 16 : (channels + 15) / 16
        self.activationMin = activationMin
        self.activationMax = activationMax
        let lanes = 16 * wideBlocks + (hasNarrowBlock ? 8 : 0)
        var weights = [Float](repeating: 0, count: lanes * depth)
        var packedBias = [Float](repeating: 0, count: lanes)
        for channel in 0..<channels {
            let block = channel / 16
            let width = block < wideBlocks ? 16 : 8
            let lane = channel - 16 * block
            let base = 16 * depth * block
            for k in 0..<depth { weights[base + k * width + lane] = filter[channel * depth + k] }
            packedBias[channel] = bias?[channel] ?? 0
        }
        self.weights = weights
        self.bias = packedBias
    }
}

/// A float32 DEPTHWISE_CONV_2D prepared once, at load time, for `depthwiseConvolutionFloatFast`:
/// the 1HWO filter (`[tap][outputChannels]`, channels already side by side) and the bias copied,
/// zeros standing in for a missing bias.
public struct PackedDepthwiseConvolutionFloat: Sendable {
    public private(set) var geometry: ConvolutionGeometry
    public let depthMultiplier: Int
    /// `[tap][outputChannels]`.
    let weights: [Float]
    let bias: [Float]
    public let activationMin: Float
    public let activationMax: Float

    var taps: Int { geometry.filterHeight * geometry.filterWidth }

    /// Channels the kernel computes 8 at a time (multiplier 1); the rest go one by one.
    var vectorChannels: Int { depthMultiplier == 1 ? geometry.outputChannels / 8 * 8 : 0 }

    /// Bytes at the start of the scratch for the row and tap pointers.
    var pointerBytes: Int { ((geometry.filterHeight + taps) * MemoryLayout<UnsafePointer<Float>>.stride + 15) / 16 * 16 }

    /// Scratch bytes `depthwiseConvolutionFloatFast` needs per call (16-byte aligned; per thread
    /// when calls run in parallel): input pointers for each filter row and each tap, and an input
    /// row of zeros that rows in the padding read.
    public var scratchByteCount: Int {
        pointerBytes + geometry.inputWidth * geometry.inputChannels * MemoryLayout<Float>.stride
    }

    /// The same packed weights for a depthwise convolution that reads the unpadded input of a PAD.
    public func absorbingPadding(height: Int, width: Int, top: Int, left: Int) -> PackedDepthwiseConvolutionFloat {
        var moved = self
        moved.geometry = geometry.absorbingPadding(height: height, width: width, top: top, left: left)
        return moved
    }

    /// `filter` is 1HWO (`filterHeight * filterWidth * outputChannels` floats), `bias`
    /// `outputChannels` floats or nil; output channel `oc` reads input channel `oc / depthMultiplier`.
    public init(_ g: ConvolutionGeometry, depthMultiplier: Int, filter: UnsafePointer<Float>,
                bias: UnsafePointer<Float>?, activationMin: Float, activationMax: Float) {
        geometry = g
        self.depthMultiplier = depthMultiplier
        let count = g.filterHeight * g.filterWidth * g.outputChannels
        weights = [Float](UnsafeBufferPointer(start: filter, count: count))
        if let bias {
            self.bias = [Float](UnsafeBufferPointer(start: bias, count: g.outputChannels))
        } else {
            self.bias = [Float](repeating: 0, count: g.outputChannels)
        }
        self.activationMin = activationMin
        self.activationMax = activationMax
    }
}
