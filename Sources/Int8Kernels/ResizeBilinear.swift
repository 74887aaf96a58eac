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
public func resizeBilinearInteger<T: FixedWidthInteger>(
    _ g: ResizeGeometry, input: UnsafePointer<T>, output: UnsafeMutablePointer<T>
) {
    var heightScale = ((1 << 10) * g.inputHeight + g.outputHeight / 2) / g.outputHeight
    var widthScale = ((1 << 10) * g.inputWidth + g.outputWidth / 2) / g.outputWidth
    if g.alignCorners && g.outputHeight > 1 {
        heightScale = ((1 << 10) * (g.inputHeight - 1) + (g.outputHeight - 1) / 2) / (g.outputHeight - 1)
    }
    if g.alignCorners && g.outputWidth > 1 {
        widthScale = ((1 << 10) * (g.inputWidth - 1) + (g.outputWidth - 1) / 2) / (g.outputWidth - 1)
    }
    let c = g.channels
    for b in 0..<g.batches {
        for y in 0..<g.outputHeight {
            let (sy, y0, y1) = fixedPointSource(y, scale: heightScale, halfPixel: g.halfPixelCenters, inputSize: g.inputHeight)
            let wy1 = Int64(sy - (1 << 10) * y0)
            let wy0 = Int64(1 << 10) - wy1
            for x in 0..<g.outputWidth {
                let (sx, x0, x1) = fixedPointSource(x, scale: widthScale, halfPixel: g.halfPixelCenters, inputSize: g.inputWidth)
                let wx1 = Int64(sx - (1 << 10) * x0)
                let wx0 = Int64(1 << 10) - wx1
                let row0 = (b * g.inputHeight + y0) * g.inputWidth
                let row1 = (b * g.inputHeight + y1) * g.inputWidth
                let out = ((b * g.outputHeight + y) * g.outputWidth + x) * c
                for ch in 0..<c {
                    let sum = Int64(input[(row0 + x0) * c + ch]) * wy0 * wx0
                        + Int64(input[(row1 + x0) * c + ch]) * wy1 * wx0
                        + Int64(input[(row0 + x1) * c + ch]) * wy0 * wx1
                        + Int64(input[(row1 + x1) * c + ch]) * wy1 * wx1
                    let rounding: Int64 = sum > 0 ? (1 << 19) : -(1 << 19)
                    output[out + ch] = T(truncatingIfNeeded: (sum + rounding) / (1 << 20))
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
