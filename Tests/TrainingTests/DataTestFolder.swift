import Foundation

/// A fresh folder under the system's temporary directory for one data test, removed by `remove()`.
struct DataTestFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: url.appendingPathComponent(name))
    }

    /// Every regular file below the folder, by relative path, with its bytes.
    func contents() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let name = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: self.path(name), isDirectory: &isFolder), !isFolder.boolValue {
                files[name] = try Data(contentsOf: url.appendingPathComponent(name))
            }
        }
        return files
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
