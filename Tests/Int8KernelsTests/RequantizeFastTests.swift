import Testing
import TestSupport
@testable import Int8Kernels

/// `requantizeFast` against `requantize` (blocks of 16 ties upward, the rest as TFLite's scalar
/// code), over whole tensors and over pieces that split the blocks anywhere.
@Suite struct RequantizeFastTests {
    struct Parameters {
        var count: Int
        var inputZeroPoint: Int32
        var outputZeroPoint: Int32
        var multiplier: Int32
        var shift: Int32
        var pieces: [Range<Int>]

        init(_ random: inout DeterministicRandom, inputRange: ClosedRange<Int>, outputRange: ClosedRange<Int>) {
            count = random.element(of: [1, 15, 16, 17, 31, 32, 33, 100, 250, 513])
            inputZeroPoint = Int32(random.integer(in: inputRange))
            outputZeroPoint = Int32(random.integer(in: outputRange))
            multiplier = random.below(10) == 0 ? 0 : Int32(1 << 30) + Int32(random.below(1 << 30))
            shift = Int32(random.integer(in: -31...4))
            var cuts = [0, count]
            for _ in 0..<random.below(4) { cuts.append(random.integer(in: 0...count)) }
            cuts.sort()
            pieces = (0..<cuts.count - 1).map { cuts[$0]..<cuts[$0 + 1] }
        }

        /// How many values of `piece` fall in the tensor's leading blocks of 16.
        func tiesUp(_ piece: Range<Int>) -> Int {
            min(max(count / 16 * 16 - piece.lowerBound, 0), piece.count)
        }
    }

    /// Runs the reference and, piece by piece, the fast kernel for one type pair.
    static func check<Input: FixedWidthInteger, Output: FixedWidthInteger>(
        _ p: Parameters, _ input: [Input], _: Output.Type,
        fast: (Range<Int>, UnsafePointer<Input>, UnsafeMutablePointer<Output>) -> Void
    ) {
        var expected = [Output](repeating: 0, count: p.count)
        requantize(count: p.count, tiesUpCount: p.count / 16 * 16, inputZeroPoint: p.inputZeroPoint, outputZeroPoint: p.outputZeroPoint,
                   multiplier: p.multiplier, shift: p.shift, input: input, output: &expected)
        var actual = [Output](repeating: 0, count: p.count)
        input.withUnsafeBufferPointer { input in
            actual.withUnsafeMutableBufferPointer { output in
                for piece in p.pieces { fast(piece, input.baseAddress!, output.baseAddress!) }
            }
        }
        #expect(actual == expected, "\(Input.self) -> \(Output.self) \(p)")
    }

    @Test func allTypePairsMatchReference() {
        var random = DeterministicRandom(seed: 909)
        for _ in 0..<150 {
            let signed = random.int8s(600)
            let unsigned = random.bytes(600)
            var p = Parameters(&random, inputRange: 0...255, outputRange: -128...127)
            Self.check(p, Array(unsigned[0..<p.count]), Int8.self) { r, x, y in
                requantizeFast(count: r.count, tiesUpCount: p.tiesUp(r), inputZeroPoint: p.inputZeroPoint,
                               outputZeroPoint: p.outputZeroPoint, multiplier: p.multiplier, shift: p.shift,
                               input: x + r.lowerBound, output: y + r.lowerBound)
            }
            p = Parameters(&random, inputRange: -128...127, outputRange: -128...127)
            Self.check(p, Array(signed[0..<p.count]), Int8.self) { r, x, y in
                requantizeFast(count: r.count, tiesUpCount: p.tiesUp(r), inputZeroPoint: p.inputZeroPoint,
                               outputZeroPoint: p.outputZeroPoint, multiplier: p.multiplier, shift: p.shift,
                               input: x + r.lowerBound, output: y + r.lowerBound)
            }
            p = Parameters(&random, inputRange: -128...127, outputRange: 0...255)
            Self.check(p, Array(signed[0..<p.count]), UInt8.self) { r, x, y in
                requantizeFast(count: r.count, tiesUpCount: p.tiesUp(r), inputZeroPoint: p.inputZeroPoint,
                               outputZeroPoint: p.outputZeroPoint, multiplier: p.multiplier, shift: p.shift,
                               input: x + r.lowerBound, output: y + r.lowerBound)
            }
            p = Parameters(&random, inputRange: 0...255, outputRange: 0...255)
            Self.check(p, Array(unsigned[0..<p.count]), UInt8.self) { r, x, y in
                requantizeFast(count: r.count, tiesUpCount: p.tiesUp(r), inputZeroPoint: p.inputZeroPoint,
                               outputZeroPoint: p.outputZeroPoint, multiplier: p.multiplier, shift: p.shift,
                               input: x + r.lowerBound, output: y + r.lowerBound)
            }
        }
    }
}
