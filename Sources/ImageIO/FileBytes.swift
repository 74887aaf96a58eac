import Foundation

// C stdio rather than Foundation's Data: its errors give the system's reason ("Is a directory").

/// The whole file at `path`.
func readFileBytes(path: String) throws(ImageIOError) -> [UInt8] {
    guard let file = fopen(path, "rb") else { throw .unreadableFile(path: path, reason: systemReason()) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        bytes += chunk[0..<count]
        if count < chunk.count {
            if ferror(file) != 0 { throw .unreadableFile(path: path, reason: systemReason()) }
            return bytes
        }
    }
}

/// Replaces the file at `path` with `bytes`.
func writeFileBytes(_ bytes: [UInt8], path: String) throws(ImageIOError) {
    guard let file = fopen(path, "wb") else { throw .unwritableFile(path: path, reason: systemReason()) }
    let written = fwrite(bytes, 1, bytes.count, file)
    let failed = written != bytes.count || fflush(file) != 0
    let reason = systemReason()
    if fclose(file) != 0 || failed { throw .unwritableFile(path: path, reason: failed ? reason : systemReason()) }
}

private func systemReason() -> String { String(cString: strerror(errno)) }
