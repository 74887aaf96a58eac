/// Why a YOLO Darknet dataset cannot be read. Messages name the file, and the line for label errors.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadableDirectory(path: String, reason: String)
    case unreadableLabelFile(path: String, reason: String)
    case malformedLabelLine(path: String, line: Int, text: String, problem: LabelLineProblem)

    public var description: String {
        switch self {
        case .unreadableDirectory(let path, let reason):
            return "cannot list the dataset folder \(path): \(reason)"
        case .unreadableLabelFile(let path, let reason):
            return "cannot read the label file \(path): \(reason)"
        case .malformedLabelLine(let path, let line, let text, let problem):
            return "\(path):\(line): \(problem) in \"\(text)\""
        }
    }
}
