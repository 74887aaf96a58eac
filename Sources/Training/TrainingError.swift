/// Why training could not start or go on.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    case badFile(path: String, line: Int, reason: String)
    case unreadable(path: String, reason: String)
    case incompatibleCheckpoint(path: String, reason: String)
    case invalidSetting(String)
    case data(DataLoaderError)

    public var description: String {
        switch self {
        case .badFile(let path, let line, let reason): return "\(path):\(line): \(reason)"
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .incompatibleCheckpoint(let path, let reason): return "\(path): cannot use this checkpoint: \(reason)"
        case .invalidSetting(let reason): return reason
        case .data(let error): return error.description
        }
    }
}
