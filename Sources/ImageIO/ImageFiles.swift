/// Reads a JPEG or PNG file (the format is told by its first bytes, not its name); see `decodeImage`.
public func readImage(path: String) throws(ImageIOError) -> RGBImage {
    let bytes = try readFileBytes(path: path)
    do {
        return try decodeImage(bytes)
    } catch {
        throw error.reading(path)
    }
}

/// Writes a PNG or a JPEG, chosen by the extension (.png, .jpg, .jpeg); `quality` is for JPEG.
public func writeImage(_ image: RGBImage, to path: String, quality: Int = 95) throws(ImageIOError) {
    guard let format = ImageFormat(pathExtension: path) else { throw .unsupportedExtension(path: path) }
    let bytes = switch format {
    case .png: try encodePNG(image)
    case .jpeg: try encodeJPEG(image, quality: quality)
    }
    try writeFileBytes(bytes, path: path)
}
