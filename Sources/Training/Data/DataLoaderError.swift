import Evaluation

/// Why a dataset cannot be loaded or a batch made. Messages name the file.
public enum DataLoaderError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidOptions(String)
    case dataset(DatasetError)
    case noImages(directory: String)
    case classOutOfRange(labelPath: String, classIndex: Int, classCount: Int)
    case unreadableImage(path: String, reason: String)
    case batchOutOfRange(index: Int, batchCount: Int)

    public var description: String {
        switch self {
        case .invalidOptions(let problem): return "cannot load the dataset: \(problem)"
        case .dataset(let error): return error.description
        case .noImages(let directory): return "\(directory) holds no .jpg, .jpeg or .png images"
        case .classOutOfRange(let path, let classIndex, let classCount):
            return "\(path): class \(classIndex) is not one of the \(classCount) classes (0...\(classCount - 1))"
        case .unreadableImage(let path, let reason):
            return reason.contains(path) ? reason : "cannot load \(path): \(reason)"
        case .batchOutOfRange(let index, let batchCount):
            return "batch \(index) does not exist: an epoch has \(batchCount) batches"
        }
    }
}
