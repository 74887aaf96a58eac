import Foundation
import ImageIO
import TestSupport

/// Files committed beside these tests (Resources/, made by scripts/regenerate-imageio-cases.sh).
enum TestResources {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

/// Test images generated the same way as scripts/opencv_resize_cases.py does.
enum GeneratedImage {
    /// Random bytes from `DeterministicRandom(seed:)`; "extremes" turns each into 0 or 255.
    static func make(width: Int, height: Int, seed: UInt64, pattern: String = "random") throws -> RGBImage {
        var random = DeterministicRandom(seed: seed)
        var bytes = random.bytes(width * height * 3)
        if pattern == "extremes" { bytes = bytes.map { $0 & 0x80 != 0 ? 255 : 0 } }
        return try RGBImage(width: width, height: height, pixels: bytes)
    }

    /// Smooth colours, which JPEG keeps closely.
    static func gradient(width: Int, height: Int) throws -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels += [UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)), UInt8((x + y) * 127 / max(1, width + height - 2))]
            }
        }
        return try RGBImage(width: width, height: height, pixels: pixels)
    }
}

func hex(_ value: UInt64) -> String { String(value, radix: 16) }
