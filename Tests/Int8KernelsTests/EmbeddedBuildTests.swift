import Foundation
import Testing

/// The kernels must also build with Embedded Swift for the Cortex-M7 microcontrollers we deploy to.
@Suite struct EmbeddedBuildTests {
    static var kernelsDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/Int8Kernels")
    }

    @Test func kernelsCompileForCortexM7() throws {
        let sources = try FileManager.default.contentsOfDirectory(atPath: Self.kernelsDirectory.path)
            .filter { $0.hasSuffix(".swift") }.sorted()
            .map { Self.kernelsDirectory.appendingPathComponent($0).path }
        #expect(sources.count >= 10)
        let object = FileManager.default.temporaryDirectory.appendingPathComponent("Int8Kernels-\(UUID().uuidString).o")
        defer { try? FileManager.default.removeItem(at: object) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc", "-target", "armv7em-none-none-eabi", "-enable-experimental-feature", "Embedded",
                             "-wmo", "-parse-as-library", "-module-name", "Int8Kernels", "-O", "-c"]
            + sources + ["-o", object.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let diagnostics = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "Embedded Swift build of Int8Kernels failed:\n\(diagnostics)")
        let size = (try? FileManager.default.attributesOfItem(atPath: object.path)[.size] as? Int) ?? 0
        #expect(size > 0, "no object file was written")
    }
}
