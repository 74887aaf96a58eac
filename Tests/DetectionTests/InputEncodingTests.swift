import Foundation
import Testing
import TestSupport
@testable import Detection

/// Pre-processing against the golden inputs: OpenCV's resized RGB image -> the model zoo's uint8 input.
@Suite struct InputEncodingTests {
    struct Manifest: Decodable {
        struct Case: Decodable {
            var name: String
            var input: String
            var resized_rgb: String?
        }
        var cases: [Case]
    }

    @Test(arguments: Fixtures.modelSizes)
    func goldenPhotosEncodeToTheGoldenInputBytes(size: Int) throws {
        let directory = Fixtures.goldenDirectory(size: size)
        guard let manifestBytes = try Fixtures.bytes(directory.appendingPathComponent("manifest.json")) else { return }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(manifestBytes))
        let encoding = InputEncoding(element: .uint8, quantization: (scale: 0.007843137718737125, zeroPoint: 127))
        var compared = 0
        for photo in manifest.cases {
            guard let resized = photo.resized_rgb else { continue }
            let rgb = try #require(try Fixtures.bytes(directory.appendingPathComponent(resized)))
            let expected = try #require(try Fixtures.bytes(directory.appendingPathComponent(photo.input)))
            var ours = [UInt8](repeating: 0, count: rgb.count)
            ours.withUnsafeMutableBytes { encoding.encode(rgb, into: $0) }
            let differing = zip(ours, expected).filter { $0 != $1 }.count
            #expect(differing == 0 && ours.count == expected.count, "\(size) \(photo.name): \(differing) bytes differ")
            compared += 1
        }
        #expect(compared == 4)
    }

    @Test func halfwayValuesRoundToEven() {
        // p = 0 -> x = -1 -> -1 / (1/127.5) + 127 = -0.5 -> 0 (ties to even); p = 255 -> 254.5 -> 254.
        let encoding = InputEncoding(element: .uint8, quantization: (scale: 1 / 127.5, zeroPoint: 127))
        var out = [UInt8](repeating: 9, count: 2)
        out.withUnsafeMutableBytes { encoding.encode([0, 255], into: $0) }
        #expect(out == [0, 254])
    }

    @Test func floatInputsKeepTheRescaledValue() {
        let encoding = InputEncoding(element: .float32, scale: 255, offset: 0)
        var out = [Float](repeating: 0, count: 2)
        out.withUnsafeMutableBytes { encoding.encode([0, 255], into: $0) }
        #expect(out == [0, 1])
    }
}
