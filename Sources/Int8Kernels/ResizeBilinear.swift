/// Geometry of a RESIZE_BILINEAR over NHWC tensors.
public struct ResizeGeometry: Equatable, Sendable {
    public var batches: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var channels: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var alignCorners: Bool
    public var halfPixelCenters: Bool

    public init(batches: Int, inputHeight: Int, inputWidth: Int, channels: Int, outputHeight: Int,
                outputWidth: Int, alignCorners: Bool, halfPixelCenters: Bool) {
        self.batches = batches
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        self.alignCorners = alignCorners
        self.halfPixelCenters = halfPixelCenters
    }
}

/// Source position of an output coordinate in 1/1024 pixels, and its two neighbours.
@inline(__always)
func fixedPointSource(_ value: Int, scale: Int, halfPixel: Bool, inputSize: Int) -> (position: Int, lower: Int, upper: Int) {
    let position = halfPixel ? value * scale + scale / 2 - (1 << 9) : value * scale
    // Truncating division, as in C, so negative positions clamp to 0.
    let lower = max(position / (1 << 10), 0)
    let upper = min((position + (1 << 10) - 1) / (1 << 10), inputSize - 1)
    return (position, lower, upper)
}

/// Integer RESIZE_BILINEAR (TFLite's ResizeBilinearInteger): 10-bit fixed-point weights, one
/// rounding at the end (ties away from zero). Input and output share quantization.
public func resizeBilinearInteger(_ g: ResizeGeometry, input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    resizeBilinearFixedPoint(g, input: input, output: output)
}

/// Integer RESIZE_BILINEAR for uint8 tensors.
public func resizeBilinearInteger(_ g: ResizeGeometry, input: UnsafePointer<UInt8>, output: UnsafeMutablePointer<UInt8>) {
    resizeBilinearFixedPoint(g, input: input, output: output)
}

/// Integer RESIZE_BILINEAR for int16 tensors, whose weighted sums need 64 bits.
public func resizeBilinearInteger(_ g: ResizeGeometry, input: UnsafePointer<Int16>, output: UnsafeMutablePointer<Int16>) {
    resizeBilinearFixedPoint(g, input: input, output: output)
}

/// The fixed-point resize for one element type. For 8-bit values every weighted sum fits int32
/// (weights stay below 1.5 * 2^10 each, so a sum is below 2^30.2), so they are summed in
/// `Int32`; 16-bit values use `Int64`.
@inline(__always)
func resizeBilinearFixedPoint<T: FixedWidthInteger>(_ g: ResizeGeometry, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>) {
    var heightScale = ((1 << 10) * g.inputHeight + g.outputHeight / 2) / g.outputHeight
    var widthScale = ((1 << 10) * g.inputWidth + g.outputWidth / 2) / g.outputWidth
    if g.alignCorners && g.outputHeight > 1 {
        heightScale = ((1 << 10) * (g.inputHeight - 1) + (g.outputHeight - 1) / 2) / (g.outputHeight - 1)
    }
    if g.alignCorners && g.outputWidth > 1 {
        widthScale = ((1 << 10) * (g.inputWidth - 1) + (g.outputWidth - 1) / 2) / (g.outputWidth - 1)
    }
    let c = g.channels
    let narrow = T.bitWidth <= 8
    for b in 0..<g.batches {
        for y in 0..<g.outputHeight {
            let (sy, y0, y1) = fixedPointSource(y, scale: heightScale, halfPixel: g.halfPixelCenters, inputSize: g.inputHeight)
            let wy1 = sy - (1 << 10) * y0
            let wy0 = (1 << 10) - wy1
            let row0 = input + (b * g.inputHeight + y0) * g.inputWidth * c
            let row1 = input + (b * g.inputHeight + y1) * g.inputWidth * c
            for x in 0..<g.outputWidth {
                let (sx, x0, x1) = fixedPointSource(x, scale: widthScale, halfPixel: g.halfPixelCenters, inputSize: g.inputWidth)
                let wx1 = sx - (1 << 10) * x0
                let wx0 = (1 << 10) - wx1
                let (a, bb, cc, d) = (row0 + x0 * c, row1 + x0 * c, row0 + x1 * c, row1 + x1 * c)
                let out = output + ((b * g.outputHeight + y) * g.outputWidth + x) * c
                if narrow {
                    let (w00, w10, w01, w11) = (Int32(wy0 * wx0), Int32(wy1 * wx0), Int32(wy0 * wx1), Int32(wy1 * wx1))
                    for ch in 0..<c {
                        let sum = Int32(a[ch]) &* w00 &+ Int32(bb[ch]) &* w10 &+ Int32(cc[ch]) &* w01 &+ Int32(d[ch]) &* w11
                        let rounding: Int32 = sum > 0 ? (1 << 19) : -(1 << 19)
                        out[ch] = T(truncatingIfNeeded: (sum &+ rounding) / (1 << 20))
                    }
                } else {
                    let (w00, w10, w01, w11) = (Int64(wy0 * wx0), Int64(wy1 * wx0), Int64(wy0 * wx1), Int64(wy1 * wx1))
                    for ch in 0..<c {
                        let sum = Int64(a[ch]) * w00 + Int64(bb[ch]) * w10 + Int64(cc[ch]) * w01 + Int64(d[ch]) * w11
                        let rounding: Int64 = sum > 0 ? (1 << 19) : -(1 << 19)
                        out[ch] = T(truncatingIfNeeded: (sum + rounding) / (1 << 20))
                    }
                }
            }
        }
    }
}

/// float32 RESIZE_BILINEAR (TFLite's reference formula).
public func resizeBilinearFloat(_ g: ResizeGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
    func scale(_ inputSize: Int, _ outputSize: Int) -> Float {
        g.alignCorners && outputSize > 1
            ? Float(inputSize - 1) / Float(outputSize - 1) : Float(inputSize) / Float(outputSize)
    }
    func source(_ value: Int, _ scale: Float, _ inputSize: Int) -> (Float, Int, Int) {
        let position = g.halfPixelCenters ? (Float(value) + 0.5) * scale - 0.5 : Float(value) * scale
        let lower = max(Int(position.rounded(.down)), 0)
        let upper = min(Int(position.rounded(.up)), inputSize - 1)
        return (position, lower, upper)
    }
    let heightScale = scale(g.inputHeight, g.outputHeight)
    let widthScale = scale(g.inputWidth, g.outputWidth)
    let c = g.channels
    for b in 0..<g.batches {
        for y in 0..<g.outputHeight {
            let (sy, y0, y1) = source(y, heightScale, g.inputHeight)
            let dy = sy - Float(y0)
            for x in 0..<g.outputWidth {
                let (sx, x0, x1) = source(x, widthScale, g.inputWidth)
                let dx = sx - Float(x0)
                let row0 = (b * g.inputHeight + y0) * g.inputWidth
                let row1 = (b * g.inputHeight + y1) * g.inputWidth
                let out = ((b * g.outputHeight + y) * g.outputWidth + x) * c
                for ch in 0..<c {
                    output[out + ch] = input[(row0 + x0) * c + ch] * (1 - dy) * (1 - dx)
                        + input[(row1 + x0) * c + ch] * dy * (1 - dx)
                        + input[(row0 + x1) * c + ch] * (1 - dy) * dx
                        + input[(row1 + x1) * c + ch] * dy * dx
                }
            }
        }
    }
}
