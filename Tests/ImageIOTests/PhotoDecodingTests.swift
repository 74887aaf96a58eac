import Foundation
import Testing
import ImageIO
import TestSupport

/// Each person-mini photo decoded in full, against the hash of OpenCV's decoding recorded in
/// Resources/decoding/person-mini-decoded.json (the photos themselves stay in ../shared).
@Suite struct PhotoDecodingTests {
    struct Recording: Decodable {
        struct Photo: Decodable {
            var width: Int
            var height: Int
            var rgb_fnv1a64: String
        }
        var opencv: String
        var photos: [String: Photo]
    }

    @Test func photosDecodeLikeOpenCV() throws {
        let recording = try JSONDecoder().decode(Recording.self, from: Data(try TestResources.bytes("decoding/person-mini-decoded.json")))
        #expect(recording.photos.count == 11)
        for (name, photo) in recording.photos.sorted(by: { $0.key < $1.key }) {
            let url = Fixtures.directory.appendingPathComponent("person-mini/\(name)")
            guard let bytes = try Fixtures.bytes(url) else { return }
            let image = try decodeImage(bytes)
            #expect(image.width == photo.width && image.height == photo.height, "\(name): \(image.width)x\(image.height)")
            #expect(hex(fnv1a64(image.pixels)) == photo.rgb_fnv1a64, "\(name): pixels differ from OpenCV \(recording.opencv)'s decoding")
        }
    }
}
