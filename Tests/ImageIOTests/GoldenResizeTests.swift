import Foundation
import Testing
import ImageIO
import TestSupport

/// The person-mini photos decoded and resized to each model's input size, against the
/// `resized_rgb` OpenCV made for the golden files: checks JPEG decoding and resize together.
@Suite struct GoldenResizeTests {
    struct Manifest: Decodable {
        struct Case: Decodable {
            var name: String
            var resized_rgb: String?
            var source_image: String?
        }
        var cases: [Case]
    }

    @Test(arguments: Fixtures.modelSizes)
    func photosMatchOpenCV(size: Int) throws {
        let golden = Fixtures.goldenDirectory(size: size)
        guard let manifestBytes = try Fixtures.bytes(golden.appendingPathComponent("manifest.json")) else { return }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(manifestBytes))
        let photos = manifest.cases.filter { $0.resized_rgb != nil }
        #expect(photos.count == 4, "the golden manifest for \(size) should list four photo cases")
        for photo in photos {
            let file = try #require(photo.source_image), resizedFile = try #require(photo.resized_rgb)
            let image = try readImage(path: Fixtures.directory.appendingPathComponent("person-mini/\(file)").path)
            let resized = try image.resized(width: size, height: size)
            let expected = try #require(try Fixtures.bytes(golden.appendingPathComponent(resizedFile)))
            let differing = zip(resized.pixels, expected).filter { $0 != $1 }.count
            #expect(resized.pixels.count == expected.count && differing == 0,
                    "\(file) -> \(size)x\(size): \(differing) of \(expected.count) bytes differ from OpenCV")
        }
    }
}
