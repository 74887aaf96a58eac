/// Sizes, strides and padding of a 2-D convolution or depthwise convolution over NHWC tensors.
///
/// Filters are OHWI for CONV_2D (`[outputChannels, filterHeight, filterWidth, inputChannels]`)
/// and 1HWO for DEPTHWISE_CONV_2D (`[1, filterHeight, filterWidth, outputChannels]`).
public struct ConvolutionGeometry: Equatable, Sendable {
    public var batches: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var inputChannels: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var outputChannels: Int
    public var filterHeight: Int
    public var filterWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    /// Rows of implicit padding above the input (input row of output row 0 is `-padTop`).
    public var padTop: Int
    /// Columns of implicit padding left of the input.
    public var padLeft: Int

    public init(batches: Int, inputHeight: Int, inputWidth: Int, inputChannels: Int,
                outputHeight: Int, outputWidth: Int, outputChannels: Int,
                filterHeight: Int, filterWidth: Int, strideHeight: Int, strideWidth: Int,
                dilationHeight: Int = 1, dilationWidth: Int = 1, padTop: Int, padLeft: Int) {
        self.batches = batches
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        self.outputChannels = outputChannels
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
    }

    /// Input columns a row of output pixels reads: from the first padding column to the last.
    public var paddedInputWidth: Int {
        (outputWidth - 1) * strideWidth + (filterWidth - 1) * dilationWidth + 1
    }

    /// A 1x1, stride-1, unpadded convolution: each output pixel reads just its own input pixel.
    public var isPointwise: Bool {
        filterHeight == 1 && filterWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padLeft == 0 && inputHeight == outputHeight && inputWidth == outputWidth
    }

    /// The geometry of the same operation reading the unpadded `height` x `width` input of a PAD
    /// that added `top` rows and `left` columns before it.
    public func absorbingPadding(height: Int, width: Int, top: Int, left: Int) -> ConvolutionGeometry {
        var moved = self
        moved.inputHeight = height
        moved.inputWidth = width
        moved.padTop += top
        moved.padLeft += left
        return moved
    }

    /// Multiply-accumulates of a regular convolution with this geometry.
    public var convolutionMACs: Int {
        batches * outputHeight * outputWidth * outputChannels * filterHeight * filterWidth * inputChannels
    }

    /// Multiply-accumulates of a depthwise convolution with this geometry.
    public var depthwiseMACs: Int {
        batches * outputHeight * outputWidth * outputChannels * filterHeight * filterWidth
    }

    /// Calls `body` for every output position with its batch, row, column and pixel index.
    @inline(__always)
    func forEachOutputPixel(_ body: (_ batch: Int, _ y: Int, _ x: Int, _ pixel: Int) -> Void) {
        var pixel = 0
        for b in 0..<batches {
            for y in 0..<outputHeight {
                for x in 0..<outputWidth {
                    body(b, y, x, pixel)
                    pixel += 1
                }
            }
        }
    }

    /// Calls `body` for every filter tap of an output position that lands inside the input, with
    /// the input pixel index and the tap index `fy * filterWidth + fx`. Taps in the padding are
    /// skipped, which equals padding with the input zero point.
    @inline(__always)
    func forEachTap(batch b: Int, y: Int, x: Int, _ body: (_ inputPixel: Int, _ tap: Int) -> Void) {
        for fy in 0..<filterHeight {
            let iy = y * strideHeight - padTop + fy * dilationHeight
            if iy < 0 || iy >= inputHeight { continue }
            for fx in 0..<filterWidth {
                let ix = x * strideWidth - padLeft + fx * dilationWidth
                if ix < 0 || ix >= inputWidth { continue }
                body((b * inputHeight + iy) * inputWidth + ix, fy * filterWidth + fx)
            }
        }
    }
}

/// Requantization of int32 accumulators to int8 outputs, one multiplier per output channel.
public struct ChannelRequantization {
    /// `-inputZeroPoint`, added to every input value before multiplying.
    public var inputOffset: Int32
    public var outputZeroPoint: Int32
    public var multipliers: UnsafePointer<Int32>
    public var shifts: UnsafePointer<Int32>
    /// Fused activation and int8 range, already in the output's quantized domain.
    public var activationMin: Int32
    public var activationMax: Int32

    public init(inputOffset: Int32, outputZeroPoint: Int32, multipliers: UnsafePointer<Int32>,
                shifts: UnsafePointer<Int32>, activationMin: Int32, activationMax: Int32) {
        self.inputOffset = inputOffset
        self.outputZeroPoint = outputZeroPoint
        self.multipliers = multipliers
        self.shifts = shifts
        self.activationMin = activationMin
        self.activationMax = activationMax
    }

    /// The int8 output of channel `channel`'s accumulator (bias included). LiteRT rounds both
    /// convolutions' requantization ties upward on x86.
    @inline(__always)
    func output(_ accumulator: Int32, channel: Int) -> Int8 {
        let value = multiplyByQuantizedMultiplierTiesUp(accumulator, multipliers[channel], shifts[channel]) &+ outputZeroPoint
        return Int8(truncatingIfNeeded: min(max(value, activationMin), activationMax))
    }
}
