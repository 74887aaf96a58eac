import Foundation
import Testing
import ImageIO
import TestSupport

/// Our small images in Resources/decoding against the pixels OpenCV decodes from them
/// (cv2.imread IMREAD_COLOR, then BGR to RGB), recorded in Resources/decoding/expected.json.
@Suite struct DecodingTests {
    struct Expected: Decodable {
        struct Image: Decodable {
            var width: Int
            var height: Int
            var rgb: String
        }
        var opencv: String
        var images: [String: Image]
    }

    static let expected: Expected? = {
        guard let bytes = try? TestResources.bytes("decoding/expected.json") else { return nil }
        return try? JSONDecoder().decode(Expected.self, from: Data(bytes))
    }()

    static let files = [
        "grey1.png", "grey4.png", "grey8.png", "grey16.png", "grey-alpha8.png", "grey-alpha16.png", "rgb8.png",
        "rgb16.png", "rgba8.png", "rgba16.png", "palette8-trns.png", "palette4.png", "rgb8-interlaced.png",
        "rgb8-gamma.png", "exif6-before-idat.png", "exif8-after-idat.png",
        "rgb-420.jpg", "rgb-422.jpg", "rgb-progressive.jpg", "grey.jpg", "cmyk.jpg",
    ] + (1...8).map { "orientation\($0).jpg" }

    @Test(arguments: files)
    func decodesLikeOpenCV(file: String) throws {
        let recorded = try #require(Self.expected?.images[file], "no OpenCV decoding of \(file) in Resources/decoding/expected.json")
        let image = try readImage(path: TestResources.directory.appendingPathComponent("decoding/\(file)").path)
        let expected = [UInt8](try #require(Data(base64Encoded: recorded.rgb)))
        #expect(image.width == recorded.width && image.height == recorded.height,
                "\(file): \(image.width)x\(image.height), OpenCV gives \(recorded.width)x\(recorded.height)")
        let differing = zip(image.pixels, expected).filter { $0 != $1 }.count
        #expect(image.pixels.count == expected.count && differing == 0, "\(file): \(differing) bytes differ from OpenCV")
    }

    @Test func everyRecordedImageIsTested() throws {
        let expected = try #require(Self.expected)
        #expect(Set(expected.images.keys) == Set(Self.files))
    }

    @Test func truncatedJPEGThrowsPrematureEnd() throws {
        let bytes = try TestResources.bytes("decoding/rgb-420.jpg")
        let error = #expect(throws: ImageIOError.self) { try decodeImage(Array(bytes.prefix(bytes.count / 2))) }
        guard case .corruptImage(nil, .jpeg, let reason)? = error else {
            Issue.record("expected a corrupt JPEG error, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("Premature end of JPEG file"), "libjpeg's reason: \(reason)")
    }

    @Test func truncatedPNGThrows() throws {
        let bytes = try TestResources.bytes("decoding/rgb8-interlaced.png")
        let error = #expect(throws: ImageIOError.self) { try decodeImage(Array(bytes.prefix(bytes.count - 40))) }
        guard case .corruptImage(nil, .png, let reason)? = error else {
            Issue.record("expected a corrupt PNG error, got \(String(describing: error))")
            return
        }
        #expect(!reason.isEmpty)
    }

    @Test func garbageIsNeitherJPEGNorPNG() throws {
        var random = DeterministicRandom(seed: 99)
        let garbage = [0x47, 0x49, 0x46] + random.bytes(500)  // "GIF..."
        let error = #expect(throws: ImageIOError.self) { try decodeImage(garbage) }
        #expect(error == .unknownFormat(path: nil, firstBytes: Array(garbage.prefix(8))))
        #expect(throws: ImageIOError.unknownFormat(path: nil, firstBytes: [])) { try decodeImage([]) }
    }

    @Test(arguments: [[0xFF, 0xD8, 0xFF] as [UInt8], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]])
    func garbageAfterASignatureIsCorrupt(signature: [UInt8]) throws {
        var random = DeterministicRandom(seed: 7)
        for length in [0, 1, 7, 100, 5000] {
            let error = #expect(throws: ImageIOError.self) { try decodeImage(signature + random.bytes(length)) }
            guard case .corruptImage(nil, let format, let reason)? = error else {
                Issue.record("\(length) garbage bytes: expected a corrupt-image error, got \(String(describing: error))")
                continue
            }
            #expect(format == ImageFormat(signature: signature) && !reason.isEmpty)
        }
    }

    @Test(arguments: ["rgb-420.jpg", "rgb-progressive.jpg", "cmyk.jpg", "rgb8-interlaced.png", "palette8-trns.png"])
    func damagedFilesDecodeOrThrow(file: String) throws {
        let bytes = try TestResources.bytes("decoding/\(file)")
        var random = DeterministicRandom(seed: 11)
        var rejected = 0
        for trial in 0..<400 {
            var damaged = Array(bytes.prefix(trial < 100 ? bytes.count * trial / 100 : bytes.count))
            if trial >= 100 {
                for _ in 0..<random.integer(in: 1...4) { damaged[random.below(damaged.count)] = UInt8(truncatingIfNeeded: random.next()) }
            }
            do {
                _ = try decodeImage(damaged)
            } catch {
                rejected += 1
            }
        }
        #expect(rejected >= 100, "\(file): only \(rejected) of 400 damaged copies were rejected")
    }

    @Test func fileErrorsNameThePath() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-imageio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let corrupt = directory.appendingPathComponent("photo.jpg").path
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00]).write(to: URL(fileURLWithPath: corrupt))
        let error = #expect(throws: ImageIOError.self) { try readImage(path: corrupt) }
        guard case .corruptImage(corrupt, .jpeg, _)? = error else {
            Issue.record("expected a corrupt JPEG error naming \(corrupt), got \(String(describing: error))")
            return
        }
        #expect(error?.description.contains(corrupt) == true)

        let missing = directory.appendingPathComponent("missing.png").path
        let missingError = #expect(throws: ImageIOError.self) { try readImage(path: missing) }
        guard case .unreadableFile(missing, _)? = missingError else {
            Issue.record("expected an unreadable-file error, got \(String(describing: missingError))")
            return
        }
    }

    @Test func malformedExifMeansNoOrientation() throws {
        let bytes = try TestResources.bytes("decoding/orientation6.jpg")
        #expect(ExifOrientation(of: bytes, format: .jpeg) == .rotate90Clockwise)
        // Every prefix, and the tag's offsets pointing anywhere, must read without trapping.
        for length in 0..<80 {
            _ = ExifOrientation(of: Array(bytes.prefix(length)), format: .jpeg)
        }
        var random = DeterministicRandom(seed: 5)
        for _ in 0..<2000 {
            var damaged = bytes
            damaged[random.integer(in: 4...60)] = UInt8(truncatingIfNeeded: random.next())
            _ = ExifOrientation(of: damaged, format: .jpeg)
        }
        #expect(ExifOrientation(of: try TestResources.bytes("decoding/rgb8.png"), format: .png) == .identity)
    }
}
