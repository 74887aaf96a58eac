/// EXIF's orientation tag (0x0112): what to do to the stored pixels to show the image upright.
public enum ExifOrientation: Int, Sendable, CaseIterable {
    case identity = 1
    case flipHorizontal = 2
    case rotate180 = 3
    case flipVertical = 4
    case transpose = 5
    case rotate90Clockwise = 6
    case transverse = 7
    case rotate90Counterclockwise = 8

    /// The orientation a JPEG (first Exif APP1 segment) or PNG (eXIf chunk) records; `.identity`
    /// when there is none or it cannot be read, as OpenCV does.
    public init(of bytes: [UInt8], format: ImageFormat) {
        let exif = switch format {
        case .jpeg: ExifReader.jpegExif(bytes)
        case .png: ExifReader.pngExif(bytes)
        }
        self = exif.flatMap(ExifReader.orientation).flatMap(ExifOrientation.init(rawValue:)) ?? .identity
    }

    /// Whether the upright image has the stored image's width and height swapped.
    var swapsSides: Bool { rawValue >= 5 }
}

extension RGBImage {
    /// The image turned as `orientation` says (the same transforms as OpenCV's imread).
    public func oriented(_ orientation: ExifOrientation) -> RGBImage {
        if orientation == .identity { return self }
        let (w, h) = orientation.swapsSides ? (height, width) : (width, height)
        var result = RGBImage(checkedWidth: w, height: h, pixels: pixels)
        let lastX = width - 1, lastY = height - 1
        for y in 0..<h {
            for x in 0..<w {
                // The stored pixel that lands at (x, y).
                let (sx, sy) = switch orientation {
                case .identity: (x, y)
                case .flipHorizontal: (lastX - x, y)
                case .rotate180: (lastX - x, lastY - y)
                case .flipVertical: (x, lastY - y)
                case .transpose: (y, x)
                case .rotate90Clockwise: (y, lastY - x)
                case .transverse: (lastX - y, lastY - x)
                case .rotate90Counterclockwise: (lastX - y, x)
                }
                let target = (y * w + x) * 3, source = (sy * width + sx) * 3
                result.pixels[target] = pixels[source]
                result.pixels[target + 1] = pixels[source + 1]
                result.pixels[target + 2] = pixels[source + 2]
            }
        }
        return result
    }
}
