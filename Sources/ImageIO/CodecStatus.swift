import CImageCodecs

extension tinyssd_codec_status {
    /// The C message, a NUL-terminated char array that Swift imports as a tuple.
    var text: String {
        withUnsafeBytes(of: message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Throws the error this status stands for, if it is one.
    func check(reading format: ImageFormat) throws(ImageIOError) {
        switch result {
        case TINYSSD_CODEC_OK: return
        case TINYSSD_CODEC_TOO_LARGE: throw .tooLarge(path: nil, reason: "\(text) (the limit is \(RGBImage.maximumPixels))")
        default: throw .corruptImage(path: nil, format: format, reason: text)
        }
    }

    func check(writing format: ImageFormat) throws(ImageIOError) {
        if result != TINYSSD_CODEC_OK { throw .encodingFailed(format: format, reason: text) }
    }
}

extension tinyssd_codec_buffer {
    /// A copy of the C bytes, which the caller still frees.
    var array: [UInt8] {
        guard let bytes else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: Int(count)))
    }
}
