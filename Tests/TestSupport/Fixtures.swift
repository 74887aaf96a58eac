import Foundation
import Testing

/// The shared fixtures beside the clone (`../shared/fixtures`): the licensed reference models,
/// golden tensors and photos, read at test time and never copied into the repository.
public enum Fixtures {
    public static let modelSizes = [192, 224, 256]

    /// `TINYSSD_FIXTURES` points elsewhere (e.g. from a git worktree, whose `../shared` is not the clone's).
    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["TINYSSD_FIXTURES"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }

    /// CI sets TINYSSD_REQUIRE_FIXTURES=1: then a missing fixture fails the test instead of skipping it.
    public static var required: Bool { ProcessInfo.processInfo.environment["TINYSSD_REQUIRE_FIXTURES"] == "1" }

    public static func modelURL(size: Int) -> URL {
        directory.appendingPathComponent("st-models/ssd_mobilenet_v1_025_\(size)_int8.tflite")
    }

    public static func goldenDirectory(size: Int) -> URL {
        directory.appendingPathComponent("golden/ssd_mobilenet_v1_025_\(size)")
    }

    /// The contents of a fixture file, or nil after recording an issue (when fixtures are required)
    /// or printing a skip note (when they are not).
    public static func bytes(_ url: URL) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: url.path) else {
            if required {
                Issue.record("fixture \(url.path) is missing and TINYSSD_REQUIRE_FIXTURES=1")
            } else {
                print("skipping: \(url.path) is absent (set TINYSSD_REQUIRE_FIXTURES=1 to make this a failure)")
            }
            return nil
        }
        return [UInt8](try Data(contentsOf: url))
    }

    /// A reference model's bytes, or nil when the fixtures are absent (see `bytes(_:)`).
    public static func modelBytes(size: Int) throws -> [UInt8]? {
        try bytes(modelURL(size: size))
    }
}
