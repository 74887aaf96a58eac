import Testing
import TestSupport
@testable import Int8Kernels
#if TINYSSD_AVX512
import Int8KernelsAVX512
#endif

/// `convolutionInt8Fast` against `convolutionInt8Reference`, byte for byte.
@Suite struct ConvolutionFastTests {
    /// Runs the fast kernel over `rows` pieces and returns its output; the scratch is filled with
    /// garbage first so nothing depends on its contents.
    static func fastOutput(_ c: ConvolutionCase, rows: [Range<Int>]) -> [Int8] {
        let packed = c.withRequantization { q in
            c.filter.withUnsafeBufferPointer { filter in
                withOptionalPointer(c.bias) { PackedConvolution(c.geometry, q, filter: filter.baseAddress!, bias: $0) }
            }
        }
        var output = [Int8](repeating: 0, count: c.outputCount)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: packed.scratchByteCount, alignment: scratchAlignment)
        defer { scratch.deallocate() }
        scratch.initializeMemory(as: UInt8.self, repeating: 0xA5, count: packed.scratchByteCount)
        c.input.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                for range in rows {
                convolutionInt8Fast(packed, input: input.baseAddress!, output: output.baseAddress!, rows: range,
                                    scratch: scratch)
                }
            }
        }
        return output
    }

    /// The AVX-512 VNNI kernel's output over `rows` pieces, or nil where the CPU lacks VNNI.
    static func vnniOutput(_ c: ConvolutionCase, rows: [Range<Int>]) -> [Int8]? {
        #if TINYSSD_AVX512
        guard avx512VNNIAvailable else { return nil }
        let packed = c.withRequantization { q in
            c.filter.withUnsafeBufferPointer { filter in
                withOptionalPointer(c.bias) { PackedConvolutionVNNI(c.geometry, q, filter: filter.baseAddress!, bias: $0) }
            }
        }
        var output = [Int8](repeating: 0, count: c.outputCount)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: packed.scratchByteCount, alignment: scratchAlignment)
        defer { scratch.deallocate() }
        scratch.initializeMemory(as: UInt8.self, repeating: 0xA5, count: packed.scratchByteCount)
        c.input.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                for range in rows {
                    convolutionInt8VNNI(packed, input: input.baseAddress!, output: output.baseAddress!, rows: range,
                                        scratch: scratch)
                }
            }
        }
        return output
        #else
        return nil
        #endif
    }

    /// Checks the case as given (mostly mixed shifts) and with right shifts only, with the AVX2
    /// (or portable) kernel and, where the CPU has it, the AVX-512 VNNI kernel.
    static func check(_ c: ConvolutionCase, _ random: inout DeterministicRandom) {
        for c in [c, c.withRightShiftsOnly(&random)] {
            let expected = c.referenceOutput()
            let whole = fastOutput(c, rows: [0..<c.geometry.batches * c.geometry.outputHeight])
            #expect(whole == expected, "\(c)")
            let split = c.randomRowSplit(&random)
            #expect(fastOutput(c, rows: split) == expected, "\(c) rows \(split)")
            if let vnni = vnniOutput(c, rows: [0..<c.geometry.batches * c.geometry.outputHeight]) {
                #expect(vnni == expected, "VNNI \(c)")
                #expect(vnniOutput(c, rows: split) == expected, "VNNI \(c) rows \(split)")
            }
        }
    }

    @Test func pointwiseMatchesReference() {
        var random = DeterministicRandom(seed: 101)
        for _ in 0..<150 {
            let c = ConvolutionCase(
                &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...7),
                inputWidth: random.integer(in: 1...7), inputChannels: random.integer(in: 1...70),
                outputChannels: random.integer(in: 1...70), filterHeight: 1, filterWidth: 1, stride: (1, 1),
                padding: (0, 0, 0, 0))
            Self.check(c, &random)
        }
    }

    @Test func generalConvolutionMatchesReference() {
        var random = DeterministicRandom(seed: 202)
        for _ in 0..<200 {
            let filterHeight = random.element(of: [1, 2, 3, 3, 3, 5])
            let filterWidth = random.element(of: [1, 3, 3, 3, 4])
            let c = ConvolutionCase(
                &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...9),
                inputWidth: random.integer(in: 1...9), inputChannels: random.integer(in: 1...35),
                outputChannels: random.integer(in: 1...40), filterHeight: filterHeight, filterWidth: filterWidth,
                stride: (random.integer(in: 1...2), random.integer(in: 1...2)),
                dilation: random.below(6) == 0 ? (random.integer(in: 1...2), random.integer(in: 1...2)) : (1, 1),
                padding: (random.integer(in: 0...filterHeight - 1), random.integer(in: 0...filterHeight - 1),
                          random.integer(in: 0...filterWidth - 1), random.integer(in: 0...filterWidth - 1)))
            Self.check(c, &random)
        }
    }

    /// The model's stem (3 input channels, stride 2, SAME padding only on the bottom and right) and
    /// heads (3x3 over 32 channels into 10 or 20), at reduced size.
    @Test func modelShapesMatchReference() {
        var random = DeterministicRandom(seed: 303)
        let cases = [
            ConvolutionCase(&random, batches: 1, inputHeight: 20, inputWidth: 18, inputChannels: 3, outputChannels: 8,
                            filterHeight: 3, filterWidth: 3, stride: (2, 2), padding: (0, 1, 0, 1)),
            ConvolutionCase(&random, batches: 1, inputHeight: 6, inputWidth: 6, inputChannels: 32, outputChannels: 20,
                            filterHeight: 3, filterWidth: 3, stride: (1, 1), padding: (1, 1, 1, 1)),
            ConvolutionCase(&random, batches: 2, inputHeight: 3, inputWidth: 3, inputChannels: 32, outputChannels: 10,
                            filterHeight: 3, filterWidth: 3, stride: (1, 1), padding: (1, 1, 1, 1)),
            ConvolutionCase(&random, batches: 1, inputHeight: 1, inputWidth: 1, inputChannels: 256, outputChannels: 32,
                            filterHeight: 1, filterWidth: 1, stride: (1, 1), padding: (0, 0, 0, 0)),
            ConvolutionCase(&random, batches: 1, inputHeight: 3, inputWidth: 3, inputChannels: 256, outputChannels: 256,
                            filterHeight: 1, filterWidth: 1, stride: (1, 1), padding: (0, 0, 0, 0)),
        ]
        for c in cases { Self.check(c, &random) }
    }

    /// Inputs and weights at the int8 extremes push the accumulators and products to their limits.
    @Test func extremeValuesMatchReference() {
        var random = DeterministicRandom(seed: 404)
        for fill in [Int8.min, Int8.max] {
            var c = ConvolutionCase(&random, batches: 1, inputHeight: 3, inputWidth: 3, inputChannels: 64,
                                    outputChannels: 24, filterHeight: 3, filterWidth: 3, stride: (1, 1),
                                    padding: (1, 1, 1, 1))
            c.input = [Int8](repeating: fill, count: c.input.count)
            c.filter = [Int8](repeating: Int8.min, count: c.filter.count)
            c.inputOffset = fill == .min ? -127 : 128
            c.shifts = c.shifts.map { _ in 0 }
            c.multipliers = c.multipliers.map { _ in Int32.max }
            Self.check(c, &random)
        }
    }
}
