import Foundation
import Testing
import ImageIO
import TestSupport

/// Generated images against cv2.resize(INTER_LINEAR) outputs recorded in Resources/resize-cases.json
/// (scripts/regenerate-imageio-cases.sh): named cases for each path through OpenCV's resize, and a
/// sweep over random sizes.
@Suite struct ResizeCaseTests {
    struct Recording: Decodable {
        struct Case: Decodable {
            var name: String
            var source: [Int]
            var target: [Int]
            var seed: UInt64
            var pattern: String
            var input: String
            var output: String
            var data: String?
        }
        struct SweepCase: Decodable {
            var source: [Int]
            var target: [Int]
            var output: String
        }
        struct Sweep: Decodable {
            var seed: UInt64
            var first_input_seed: UInt64
            var cases: [SweepCase]
        }
        var opencv: String
        var cases: [Case]
        var sweep: Sweep
    }

    static let recording: Recording? = {
        guard let bytes = try? TestResources.bytes("resize-cases.json") else { return nil }
        return try? JSONDecoder().decode(Recording.self, from: Data(bytes))
    }()

    static let names = [
        "up-2x", "up-3x", "up-non-integer", "up-large-ratio", "down-non-integer", "down-exact-2x",
        "down-exact-2x-odd-result", "down-exact-2x-extremes", "down-2x-horizontal-only", "down-2x-by-3x", "down-3x",
        "down-4x", "up-x-down-y", "same-size", "one-pixel-up", "one-column", "one-row", "to-one-pixel", "to-one-column",
        "to-one-row", "up-extremes", "model-192-from-600x400", "model-224-from-451x300", "model-256-from-512x512",
        "model-256-from-800x420",
    ]

    @Test(arguments: names)
    func matchesOpenCV(name: String) throws {
        let recording = try #require(Self.recording, "Resources/resize-cases.json is missing or unreadable")
        let recorded = try #require(recording.cases.first { $0.name == name }, "no OpenCV output recorded for \(name)")
        let source = try GeneratedImage.make(width: recorded.source[0], height: recorded.source[1], seed: recorded.seed,
                                             pattern: recorded.pattern)
        try #require(hex(fnv1a64(source.pixels)) == recorded.input,
                     "\(name): the generated input no longer matches the recording; run scripts/regenerate-imageio-cases.sh")
        let resized = try source.resized(width: recorded.target[0], height: recorded.target[1])
        #expect(resized.width == recorded.target[0] && resized.height == recorded.target[1])
        if let data = recorded.data {
            let expected = [UInt8](try #require(Data(base64Encoded: data)))
            let differing = zip(resized.pixels, expected).filter { $0 != $1 }.count
            #expect(resized.pixels.count == expected.count && differing == 0,
                    "\(name): \(differing) of \(expected.count) bytes differ from OpenCV \(recording.opencv)")
        }
        #expect(hex(fnv1a64(resized.pixels)) == recorded.output, "\(name): output hash differs from OpenCV \(recording.opencv)")
    }

    @Test func sweepOfRandomSizesMatchesOpenCV() throws {
        let recording = try #require(Self.recording, "Resources/resize-cases.json is missing or unreadable")
        let sweep = recording.sweep
        #expect(sweep.cases.count == 400)
        var sizes = DeterministicRandom(seed: sweep.seed)
        var mismatches: [String] = []
        for (index, recorded) in sweep.cases.enumerated() {
            // The same size draw as the recording script, so the list itself cannot drift.
            var sw = sizes.integer(in: 1...48), sh = sizes.integer(in: 1...48)
            var dw = sizes.integer(in: 1...64), dh = sizes.integer(in: 1...64)
            if index % 5 == 0 {
                (dw, dh) = (max(1, sw / 2), max(1, sh / 2))
                (sw, sh) = (2 * dw, 2 * dh)
            }
            try #require(recorded.source == [sw, sh] && recorded.target == [dw, dh], "sweep case \(index) drifted from the recording")
            let source = try GeneratedImage.make(width: sw, height: sh, seed: sweep.first_input_seed + UInt64(index))
            let resized = try source.resized(width: dw, height: dh)
            if hex(fnv1a64(resized.pixels)) != recorded.output { mismatches.append("\(sw)x\(sh)->\(dw)x\(dh)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(sweep.cases.count) sizes differ from OpenCV: \(mismatches.prefix(10))")
    }

    @Test func rejectsEmptyTargets() throws {
        let image = try GeneratedImage.make(width: 4, height: 4, seed: 1)
        #expect(throws: ImageIOError.self) { try image.resized(width: 0, height: 3) }
        #expect(throws: ImageIOError.self) { try image.resized(width: 5, height: -1) }
    }
}
