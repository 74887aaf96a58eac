import Foundation
import Testing
import ImageIO
import TestSupport

@Suite struct RoundTripTests {
    @Test func pngIsLossless() throws {
        let image = try GeneratedImage.make(width: 37, height: 23, seed: 3)
        let bytes = try encodePNG(image)
        #expect(ImageFormat(signature: bytes) == .png)
        #expect(try decodeImage(bytes) == image)
    }

    @Test func jpegStaysClose() throws {
        let image = try GeneratedImage.gradient(width: 64, height: 48)
        let decoded = try decodeImage(try encodeJPEG(image, quality: 95))
        #expect(decoded.width == 64 && decoded.height == 48)
        let errors = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }
        let mean = Double(errors.reduce(0, +)) / Double(errors.count)
        #expect(mean < 2 && errors.max() ?? 0 <= 12, "mean error \(mean), largest \(errors.max() ?? 0)")
        let small = try encodeJPEG(image, quality: 20), large = try encodeJPEG(image, quality: 95)
        #expect(small.count < large.count, "quality 20 gave \(small.count) bytes, quality 95 \(large.count)")
    }

    @Test func filesChooseTheFormatByExtension() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyssd-imageio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let image = try GeneratedImage.gradient(width: 20, height: 10)
        for name in ["plot.png", "boxes.JPG", "boxes.jpeg"] {
            let path = directory.appendingPathComponent(name).path
            try writeImage(image, to: path)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(ImageFormat(signature: bytes) == ImageFormat(pathExtension: name), "\(name)")
            #expect(try readImage(path: path).width == 20)
        }
        let gif = directory.appendingPathComponent("plot.gif").path
        #expect(throws: ImageIOError.unsupportedExtension(path: gif)) { try writeImage(image, to: gif) }
    }

    @Test func imagesCheckTheirPixelCount() {
        #expect(throws: ImageIOError.self) { try RGBImage(width: 2, height: 2, pixels: [0, 0, 0]) }
        #expect(throws: ImageIOError.self) { try RGBImage(width: 0, height: 0, pixels: []) }
        #expect(throws: ImageIOError.self) { try RGBImage(width: Int.max, height: 2, color: .white) }
    }
}
