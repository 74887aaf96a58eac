import Foundation
import Runtime
import TFLiteFormat

/// A problem with a file named on the command line.
enum FileError: Error, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case invalidModel(path: String, reason: String)
    case invalidConfiguration(path: String, reason: String)

    var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason): return "cannot write \(path): \(reason)"
        case .invalidModel(let path, let reason): return "\(path): \(reason)"
        case .invalidConfiguration(let path, let reason): return "\(path): \(reason)"
        }
    }
}

func readFile(_ path: String) throws -> [UInt8] {
    do {
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        throw FileError.unreadable(path: path, reason: (error as NSError).localizedDescription)
    }
}

/// Loads and prepares a model, naming the file in any error.
func loadInterpreter(_ path: String, options: Interpreter.Options = Interpreter.Options()) throws -> Interpreter {
    let bytes = try readFile(path)
    do {
        return try Interpreter(model: try TFLiteModel(bytes: bytes), options: options)
    } catch let error as TFLiteFormatError {
        throw FileError.invalidModel(path: path, reason: error.description)
    } catch let error as RuntimeError {
        throw FileError.invalidModel(path: path, reason: error.description)
    }
}

func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it to `path`, so that a failed
/// write leaves neither a partial file nor the temporary one.
func writeFile(_ path: String, _ bytes: some Sequence<UInt8>) throws {
    let url = URL(fileURLWithPath: path)
    let temporary = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
    do {
        try Data(bytes).write(to: temporary)
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw FileError.unwritable(path: path, reason: (error as NSError).localizedDescription)
    }
    guard rename(temporary.path, url.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw FileError.unwritable(path: path, reason: reason)
    }
}
