/// Something odd but usable in a dataset, returned to the caller rather than printed.
public enum DatasetWarning: Equatable, Sendable, CustomStringConvertible {
    case missingLabelFile(imagePath: String, expectedLabelPath: String)

    public var description: String {
        switch self {
        case .missingLabelFile(let imagePath, let expectedLabelPath):
            return "\(imagePath) has no label file \(expectedLabelPath); it counts as an image without objects"
        }
    }
}
