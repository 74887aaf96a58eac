import CImageCodecs

/// Decodes JPEG or PNG bytes (told apart by their signature) to RGB, as
/// `cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)` gives: grey expanded,
/// alpha dropped, palettes expanded, 16-bit samples cut to their high byte, CMYK JPEGs converted,
/// and the EXIF orientation (JPEG APP1 or PNG eXIf) applied.
/// Unlike OpenCV, a JPEG that makes libjpeg warn (corrupt data, premature end) is rejected.
public func decodeImage(_ bytes: [UInt8]) throws(ImageIOError) -> RGBImage {
    guard let format = ImageFormat(signature: bytes) else {
        throw .unknownFormat(path: nil, firstBytes: Array(bytes.prefix(8)))
    }
    var buffer = tinyssd_codec_buffer()
    defer { tinyssd_codec_free(&buffer) }
    let status = bytes.withUnsafeBufferPointer { data in
        switch format {
        case .jpeg: return tinyssd_decode_jpeg(data.baseAddress, data.count, &buffer)
        case .png: return tinyssd_decode_png(data.baseAddress, data.count, &buffer)
        }
    }
    try status.check(reading: format)
    let image = try RGBImage(width: Int(buffer.width), height: Int(buffer.height), pixels: buffer.array)
    return image.oriented(ExifOrientation(of: bytes, format: format))
}
