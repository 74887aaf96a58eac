/// Finds the EXIF block of a JPEG or PNG and its orientation tag. Every offset comes from the
/// file, so each read is bounds-checked and a malformed block reads as "no orientation".
enum ExifReader {
    /// The TIFF structure inside the first APP1 segment that starts with "Exif\0\0".
    static func jpegExif(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var position = 2
        while position + 4 <= bytes.count, bytes[position] == 0xFF {
            let marker = bytes[position + 1]
            if marker == 0xFF {  // fill byte
                position += 1
                continue
            }
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 {  // no length field
                position += 2
                continue
            }
            if marker == 0xDA || marker == 0xD9 { return nil }  // image data starts: no EXIF before it
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            let end = position + 2 + length
            guard length >= 2, end <= bytes.count else { return nil }
            let body = bytes[(position + 4)..<end]
            if marker == 0xE1, body.starts(with: Array("Exif\0\0".utf8)) { return body.dropFirst(6) }
            position = end
        }
        return nil
    }

    /// The body of the first eXIf chunk, which is the TIFF structure itself.
    static func pngExif(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var position = 8
        while position + 8 <= bytes.count {
            guard let length = read32(bytes[...], at: position, bigEndian: true) else { return nil }
            let start = position + 8
            let (end, overflow) = start.addingReportingOverflow(Int(length))
            guard !overflow, end + 4 <= bytes.count else { return nil }
            if bytes[(position + 4)..<start].elementsEqual("eXIf".utf8) { return bytes[start..<end] }
            if bytes[(position + 4)..<start].elementsEqual("IEND".utf8) { return nil }
            position = end + 4  // skip the CRC
        }
        return nil
    }

    /// Tag 0x0112 of IFD0 when it is a SHORT.
    static func orientation(tiff: ArraySlice<UInt8>) -> Int? {
        let base = tiff.startIndex
        guard tiff.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (tiff[base], tiff[base + 1]) {
        case (0x49, 0x49): bigEndian = false
        case (0x4D, 0x4D): bigEndian = true
        default: return nil
        }
        guard read16(tiff, at: base + 2, bigEndian: bigEndian) == 42,
              let offset = read32(tiff, at: base + 4, bigEndian: bigEndian),
              offset <= UInt32(tiff.count) else { return nil }
        let directory = base + Int(offset)
        guard let count = read16(tiff, at: directory, bigEndian: bigEndian) else { return nil }
        for index in 0..<Int(count) {
            let entry = directory + 2 + 12 * index
            guard let tag = read16(tiff, at: entry, bigEndian: bigEndian),
                  let type = read16(tiff, at: entry + 2, bigEndian: bigEndian) else { return nil }
            if tag == 0x0112 {
                return type == 3 ? read16(tiff, at: entry + 8, bigEndian: bigEndian).map(Int.init) : nil
            }
        }
        return nil
    }

    private static func read16(_ bytes: ArraySlice<UInt8>, at index: Int, bigEndian: Bool) -> UInt16? {
        guard index >= bytes.startIndex, index + 2 <= bytes.endIndex else { return nil }
        let a = UInt16(bytes[index]), b = UInt16(bytes[index + 1])
        return bigEndian ? a << 8 | b : b << 8 | a
    }

    private static func read32(_ bytes: ArraySlice<UInt8>, at index: Int, bigEndian: Bool) -> UInt32? {
        guard let high = read16(bytes, at: bigEndian ? index : index + 2, bigEndian: bigEndian),
              let low = read16(bytes, at: bigEndian ? index + 2 : index, bigEndian: bigEndian) else { return nil }
        return UInt32(high) << 16 | UInt32(low)
    }
}
