/// Why a safetensors file could not be read or written.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case truncated(path: String, needed: Int, available: Int)
    case badHeader(path: String, reason: String)
    case unsupportedType(path: String, tensor: String, dtype: String)
    case badTensor(path: String, tensor: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .truncated(let path, let needed, let available):
            return "\(path): truncated safetensors file: needs \(needed) bytes, has \(available)"
        case .badHeader(let path, let reason):
            return "\(path): bad safetensors header: \(reason)"
        case .unsupportedType(let path, let tensor, let dtype):
            return "\(path): tensor '\(tensor)' has dtype \(dtype); only F32 is supported"
        case .badTensor(let path, let tensor, let reason):
            return "\(path): tensor '\(tensor)': \(reason)"
        }
    }
}
