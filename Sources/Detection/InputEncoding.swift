/// How 8-bit RGB pixels become model input values, as the model zoo prepares them.
///
/// A pixel `p` is rescaled to `x = p / scale + offset` (the config's `rescaling`, computed in
/// double and stored as float32); for a quantized input, `x / inputScale + zeroPoint` in float32,
/// rounded half to even and clamped. Every pixel value maps to one input value, so the mapping is
/// a 256-entry table.
public struct InputEncoding: Equatable, Sendable {
    public enum Element: Equatable, Sendable {
        case uint8, int8, float32
    }

    public let element: Element
    private let table: [UInt32]

    /// `scale` and `offset` are the config's `rescaling`; `quantization` the input tensor's
    /// (scale, zero point), required for integer inputs.
    public init(element: Element, scale: Double = 127.5, offset: Double = -1, quantization: (scale: Float, zeroPoint: Int32)? = nil) {
        self.element = element
        table = (0...255).map { p -> UInt32 in
            let x = Float(Double(p) / scale + offset)
            guard element != .float32, let (inputScale, zeroPoint) = quantization else { return x.bitPattern }
            let q = (x / inputScale + Float(zeroPoint)).rounded(.toNearestOrEven)
            let (low, high): (Float, Float) = element == .uint8 ? (0, 255) : (-128, 127)
            let clamped = q.isNaN ? Float(zeroPoint) : min(max(q, low), high)
            return UInt32(bitPattern: Int32(clamped))
        }
    }

    public var bytesPerValue: Int { element == .float32 ? 4 : 1 }

    /// Encodes interleaved pixels into `destination` (`pixels.count * bytesPerValue` bytes).
    public func encode(_ pixels: some Collection<UInt8>, into destination: UnsafeMutableRawBufferPointer) {
        precondition(destination.count == pixels.count * bytesPerValue, "input buffer size mismatch")
        // Contiguous pixels (every RGBImage) go through one non-generic loop.
        if pixels.withContiguousStorageIfAvailable({ encode(contiguous: $0, into: destination) }) != nil { return }
        Array(pixels).withUnsafeBufferPointer { encode(contiguous: $0, into: destination) }
    }

    private func encode(contiguous pixels: UnsafeBufferPointer<UInt8>, into destination: UnsafeMutableRawBufferPointer) {
        table.withUnsafeBufferPointer { table in
            switch element {
            case .float32:
                let floats = destination.bindMemory(to: UInt32.self)
                for i in pixels.indices { floats[i] = table[Int(pixels[i])] }
            case .uint8, .int8:
                for i in pixels.indices { destination[i] = UInt8(truncatingIfNeeded: table[Int(pixels[i])]) }
            }
        }
    }
}
