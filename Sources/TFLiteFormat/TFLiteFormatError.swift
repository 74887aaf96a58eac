/// Why a byte sequence is not a `.tflite` model we can read.
///
/// `field` names where in the schema the problem sits, e.g. `subgraphs[0].tensors[12].shape`,
/// so a user can compare against `flatc --json` output or the converter that wrote the file.
public enum TFLiteFormatError: Error, Equatable, CustomStringConvertible {
    case fileTooSmall(size: Int)
    case notATFLiteFile(identifier: String)
    case unsupportedSchemaVersion(UInt32)
    case outOfBounds(field: String, offset: Int, length: Int, fileSize: Int)
    case invalidValue(field: String, reason: String)

    public var description: String {
        switch self {
        case .fileTooSmall(let size):
            return "not a .tflite model: the file has \(size) bytes, fewer than a FlatBuffer header needs"
        case .notATFLiteFile(let identifier):
            return "not a .tflite model: file identifier is \"\(identifier)\", expected \"TFL3\""
        case .unsupportedSchemaVersion(let version):
            return "unsupported .tflite schema version \(version) (this reader handles version 3)"
        case .outOfBounds(let field, let offset, let length, let fileSize):
            // Offsets and lengths come from the file (a 64-bit buffer offset may be clamped to
            // Int.max), so their sum can overflow.
            let (end, overflow) = offset.addingReportingOverflow(length)
            let bytes = overflow ? "\(length) bytes from byte \(offset)" : "bytes \(offset)..<\(end)"
            return "malformed .tflite: \(field.isEmpty ? "root" : field) points at \(bytes), outside the \(fileSize)-byte file"
        case .invalidValue(let field, let reason):
            return "malformed .tflite: \(field.isEmpty ? "root" : field): \(reason)"
        }
    }

    /// The same error, located one level deeper in the schema (`parent.field`).
    func inside(_ parent: String) -> TFLiteFormatError {
        func join(_ child: String) -> String {
            child.isEmpty ? parent : (child.hasPrefix("[") ? parent + child : parent + "." + child)
        }
        switch self {
        case .outOfBounds(let field, let offset, let length, let fileSize):
            return .outOfBounds(field: join(field), offset: offset, length: length, fileSize: fileSize)
        case .invalidValue(let field, let reason):
            return .invalidValue(field: join(field), reason: reason)
        default:
            return self
        }
    }
}

/// Runs `body`, prefixing any format error it throws with `path`.
@inline(__always)
func located<T>(_ path: @autoclosure () -> String, _ body: () throws(TFLiteFormatError) -> T) throws(TFLiteFormatError) -> T {
    do {
        return try body()
    } catch {
        throw error.inside(path())
    }
}
