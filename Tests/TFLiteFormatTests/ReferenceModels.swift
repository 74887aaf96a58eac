import Foundation
import Testing

/// The licensed reference models, read from ../shared/fixtures at test time (never copied here).
enum ReferenceModels {
    static let sizes = [192, 224, 256]

    static var fixturesDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/fixtures")
    }

    static var fixturesRequired: Bool { ProcessInfo.processInfo.environment["TINYSSD_REQUIRE_FIXTURES"] == "1" }

    /// The model's bytes, or nil (with a recorded note) when the fixtures are absent and not required.
    static func bytes(size: Int) throws -> [UInt8]? {
        let url = fixturesDirectory.appendingPathComponent("st-models/ssd_mobilenet_v1_025_\(size)_int8.tflite")
        guard FileManager.default.fileExists(atPath: url.path) else {
            if fixturesRequired {
                Issue.record("fixture \(url.path) is missing and TINYSSD_REQUIRE_FIXTURES=1")
            } else {
                print("skipping: \(url.path) is absent (set TINYSSD_REQUIRE_FIXTURES=1 to make this a failure)")
            }
            return nil
        }
        return [UInt8](try Data(contentsOf: url))
    }
}
