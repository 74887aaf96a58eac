/// Why `jpegSize` found no image size in a file.
enum JPEGSizeError: Error, CustomStringConvertible {
    case notJPEG(path: String)
    case corrupt(path: String, offset: Int)
    case noFrameHeader(path: String)

    var description: String {
        switch self {
        case .notJPEG(let path): return "\(path) does not start with a JPEG start-of-image marker"
        case .corrupt(let path, let offset): return "\(path): no JPEG marker at byte \(offset)"
        case .noFrameHeader(let path): return "\(path) has no JPEG start-of-frame marker before its image data"
        }
    }
}

/// Width and height from a JPEG's start-of-frame marker, without decoding the image.
func jpegSize(_ bytes: [UInt8], path: String) throws(JPEGSizeError) -> (width: Int, height: Int) {
    guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw .notJPEG(path: path) }
    // Start-of-frame markers of every coding process; C4, C8 and CC are other segments.
    let frameMarkers: Set<UInt8> = [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF]
    var offset = 2
    while offset + 1 < bytes.count {
        guard bytes[offset] == 0xFF else { throw .corrupt(path: path, offset: offset) }
        let marker = bytes[offset + 1]
        if marker == 0xFF {
            offset += 1
        } else if marker == 0x01 || (0xD0...0xD7).contains(marker) {
            offset += 2
        } else if marker == 0xD9 || marker == 0xDA {
            break
        } else {
            guard offset + 3 < bytes.count else { throw .corrupt(path: path, offset: offset) }
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            if frameMarkers.contains(marker) {
                guard offset + 8 < bytes.count else { throw .corrupt(path: path, offset: offset) }
                let height = Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6])
                let width = Int(bytes[offset + 7]) << 8 | Int(bytes[offset + 8])
                return (width, height)
            }
            offset += 2 + length
        }
    }
    throw .noFrameHeader(path: path)
}
