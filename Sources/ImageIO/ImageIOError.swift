/// Why an image cannot be read, written or made. Messages name the file (when there is one)
/// and the reason, in libjpeg's or libpng's words where they found the problem.
public enum ImageIOError: Error, Equatable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    case unwritableFile(path: String, reason: String)
    /// Neither a JPEG nor a PNG signature.
    case unknownFormat(path: String?, firstBytes: [UInt8])
    case corruptImage(path: String?, format: ImageFormat, reason: String)
    case tooLarge(path: String?, reason: String)
    /// `writeImage` only knows .png, .jpg and .jpeg.
    case unsupportedExtension(path: String)
    case invalidImage(reason: String)
    case encodingFailed(format: ImageFormat, reason: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .unwritableFile(let path, let reason):
            return "cannot write \(path): \(reason)"
        case .unknownFormat(let path, let firstBytes):
            let hex = firstBytes.map { byte in String(Self.hexDigits[Int(byte >> 4)]) + String(Self.hexDigits[Int(byte & 15)]) }
            return "\(Self.name(path)) is neither JPEG nor PNG (it starts with \(hex.isEmpty ? "nothing" : hex.joined(separator: " ")))"
        case .corruptImage(let path, let format, let reason):
            return "\(Self.name(path)) is not a readable \(format): \(reason)"
        case .tooLarge(let path, let reason):
            return "\(Self.name(path)) is too large: \(reason)"
        case .unsupportedExtension(let path):
            return "cannot write \(path): the extension must be .png, .jpg or .jpeg"
        case .invalidImage(let reason):
            return "invalid image: \(reason)"
        case .encodingFailed(let format, let reason):
            return "\(format) encoding failed: \(reason)"
        }
    }

    private static let hexDigits = Array("0123456789abcdef")

    private static func name(_ path: String?) -> String { path.map { "image \($0)" } ?? "image data" }

    /// The same error, naming the file it came from.
    func reading(_ path: String) -> ImageIOError {
        switch self {
        case .unknownFormat(nil, let firstBytes): return .unknownFormat(path: path, firstBytes: firstBytes)
        case .corruptImage(nil, let format, let reason): return .corruptImage(path: path, format: format, reason: reason)
        case .tooLarge(nil, let reason): return .tooLarge(path: path, reason: reason)
        default: return self
        }
    }
}
