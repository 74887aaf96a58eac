/// An 8-bit RGB image: `pixels` holds R, G, B for each pixel, row by row from the top left.
public struct RGBImage: Equatable, Hashable, Sendable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    /// The most pixels a decoded or created image may have (the C codecs' bound too), so a
    /// forged file header cannot make us allocate gigabytes.
    public static let maximumPixels = 1 << 27

    /// Wraps pixels that are already laid out; throws unless there are exactly `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(ImageIOError) {
        guard width > 0, height > 0, width <= Self.maximumPixels / height else {
            throw .invalidImage(reason: "a \(width) x \(height) image is empty or has more than \(Self.maximumPixels) pixels")
        }
        guard pixels.count == width * height * 3 else {
            throw .invalidImage(reason: "a \(width) x \(height) RGB image needs \(width * height * 3) bytes, got \(pixels.count)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// For sizes and pixel counts this module has already checked.
    init(checkedWidth width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A canvas of one colour.
    public init(width: Int, height: Int, color: RGBColor) throws(ImageIOError) {
        guard width > 0, height > 0, width <= Self.maximumPixels / height else {
            throw .invalidImage(reason: "a \(width) x \(height) canvas is empty or has more than \(Self.maximumPixels) pixels")
        }
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<width * height {
            pixels[3 * i] = color.red
            pixels[3 * i + 1] = color.green
            pixels[3 * i + 2] = color.blue
        }
    }

    /// The colour at column `x`, row `y` (both must be inside the image).
    public subscript(x: Int, y: Int) -> RGBColor {
        get {
            let i = (y * width + x) * 3
            return RGBColor(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
        }
        set {
            let i = (y * width + x) * 3
            pixels[i] = newValue.red
            pixels[i + 1] = newValue.green
            pixels[i + 2] = newValue.blue
        }
    }
}
