import Detection
import Foundation
import ImageIO

/// Calibration samples from image files, pre-processed exactly as `evaluate` prepares a model's
/// input (`Detector.detect`): decoded as OpenCV reads them, resized with OpenCV's bilinear
/// interpolation to the model side (aspect ratio not kept), optionally swapped to BGR, rescaled
/// `p / scale + offset` (`InputEncoding`, float32).
public struct CalibrationImages: Sendable {
    public let paths: [String]
    public let side: Int
    public let encoding: InputEncoding
    public let swapToBGR: Bool
    /// Images that could not be read, with the reason; filled as `fill` meets them.
    public let skipped = SkippedImages()

    public init(paths: [String], side: Int, scale: Double = 127.5, offset: Double = -1, bgr: Bool = false) {
        self.paths = paths
        self.side = side
        encoding = InputEncoding(element: .float32, scale: scale, offset: offset)
        swapToBGR = bgr
    }

    /// Image files (`.jpg`, `.jpeg`, `.png`, any case) directly in `directory`, sorted by name.
    public static func files(in directory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return names.filter { ["jpg", "jpeg", "png"].contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Writes sample `index` into `input` (side x side x 3 float32); false when the file is unreadable.
    public func fill(_ index: Int, into input: UnsafeMutableRawBufferPointer) -> Bool {
        do {
            var image = try readImage(path: paths[index]).resized(width: side, height: side)
            if swapToBGR {
                for pixel in stride(from: 0, to: image.pixels.count, by: 3) { image.pixels.swapAt(pixel, pixel + 2) }
            }
            encoding.encode(image.pixels, into: input)
            return true
        } catch {
            skipped.add(path: paths[index], reason: error.description)
            return false
        }
    }
}

/// The calibration images that were skipped, collected from several threads.
public final class SkippedImages: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(path: String, reason: String)] = []

    public var all: [(path: String, reason: String)] {
        lock.lock(); defer { lock.unlock() }
        return entries.sorted { $0.path < $1.path }
    }

    func add(path: String, reason: String) {
        lock.lock(); defer { lock.unlock() }
        entries.append((path, reason))
    }
}
