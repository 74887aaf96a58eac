/// What is wrong with one line of a YOLO Darknet label file.
public enum LabelLineProblem: Error, Equatable, Sendable, CustomStringConvertible {
    case fieldCount(Int)
    case classNotAnInteger(String)
    case negativeClass(Int)
    case notANumber(field: String, text: String)
    case notFinite(field: String, text: String)
    case negativeSize(field: String, value: Double)

    public var description: String {
        switch self {
        case .fieldCount(let count):
            return "expected 5 fields (class cx cy w h) but found \(count)"
        case .classNotAnInteger(let text):
            return "class '\(text)' is not a whole number"
        case .negativeClass(let value):
            return "class \(value) is negative"
        case .notANumber(let field, let text):
            return "\(field) '\(text)' is not a number"
        case .notFinite(let field, let text):
            return "\(field) '\(text)' is not a finite number"
        case .negativeSize(let field, let value):
            return "\(field) \(value) is negative"
        }
    }
}
