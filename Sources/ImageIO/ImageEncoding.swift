import CImageCodecs

/// An 8-bit RGB PNG file's bytes (lossless).
public func encodePNG(_ image: RGBImage) throws(ImageIOError) -> [UInt8] {
    var buffer = tinyssd_codec_buffer()
    defer { tinyssd_codec_free(&buffer) }
    let status = image.pixels.withUnsafeBufferPointer { pixels in
        tinyssd_encode_png(pixels.baseAddress, Int32(image.width), Int32(image.height), &buffer)
    }
    try status.check(writing: .png)
    return buffer.array
}

/// A baseline JPEG file's bytes; `quality` is libjpeg's 1-100 scale (values outside are clamped),
/// 95 as OpenCV's default.
public func encodeJPEG(_ image: RGBImage, quality: Int = 95) throws(ImageIOError) -> [UInt8] {
    var buffer = tinyssd_codec_buffer()
    defer { tinyssd_codec_free(&buffer) }
    let clamped = Int32(min(max(quality, 1), 100))
    let status = image.pixels.withUnsafeBufferPointer { pixels in
        tinyssd_encode_jpeg(pixels.baseAddress, Int32(image.width), Int32(image.height), clamped, &buffer)
    }
    try status.check(writing: .jpeg)
    return buffer.array
}
