import Testing
import TestSupport
@testable import Int8Kernels
#if TINYSSD_AVX512
import Int8KernelsAVX512
#endif

/// `depthwiseConvolutionInt8Fast` against `depthwiseConvolutionInt8Reference`, byte for byte.
@Suite struct DepthwiseConvolutionFastTests {
    /// Runs the fast kernel over `rows` pieces; the scratch starts as garbage.
    static func fastOutput(_ c: ConvolutionCase, rows: [Range<Int>]) -> [Int8] {
        let packed = c.withRequantization { q in
            c.filter.withUnsafeBufferPointer { filter in
                withOptionalPointer(c.bias) {
                    PackedDepthwiseConvolution(c.geometry, depthMultiplier: c.depthMultiplier, q,
                                               filter: filter.baseAddress!, bias: $0)
                }
            }
        }
        var output = [Int8](repeating: 0, count: c.outputCount)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: packed.scratchByteCount, alignment: scratchAlignment)
        defer { scratch.deallocate() }
        scratch.initializeMemory(as: UInt8.self, repeating: 0xA5, count: packed.scratchByteCount)
        c.input.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                for range in rows {
                depthwiseConvolutionInt8Fast(packed, input: input.baseAddress!, output: output.baseAddress!,
                                             rows: range, scratch: scratch)
                }
            }
        }
        return output
    }

    /// The AVX-512 VNNI kernel's output over `rows` pieces, or nil where the CPU lacks VNNI or the
    /// kernel does not take the layer.
    static func vnniOutput(_ c: ConvolutionCase, rows: [Range<Int>]) -> [Int8]? {
        #if TINYSSD_AVX512
        guard avx512VNNIAvailable else { return nil }
        let packed = c.withRequantization { q in
            c.filter.withUnsafeBufferPointer { filter in
                withOptionalPointer(c.bias) {
                    PackedDepthwiseConvolutionVNNI(c.geometry, depthMultiplier: c.depthMultiplier, q,
                                                   filter: filter.baseAddress!, bias: $0)
                }
            }
        }
        guard let packed else { return nil }
        var output = [Int8](repeating: 0, count: c.outputCount)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: packed.scratchByteCount, alignment: scratchAlignment)
        defer { scratch.deallocate() }
        scratch.initializeMemory(as: UInt8.self, repeating: 0xA5, count: packed.scratchByteCount)
        c.input.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                for range in rows {
                    depthwiseConvolutionInt8VNNI(packed, input: input.baseAddress!, output: output.baseAddress!,
                                                 rows: range, scratch: scratch)
                }
            }
        }
        return output
        #else
        return nil
        #endif
    }

    /// Checks the case as given (mostly mixed shifts) and with right shifts only, with the AVX2
    /// (or portable) kernel and, where the CPU has it and the layer qualifies, the VNNI kernel.
    /// Returns whether the VNNI kernel ran.
    @discardableResult
    static func check(_ c: ConvolutionCase, _ random: inout DeterministicRandom) -> Bool {
        var ranVNNI = false
        for c in [c, c.withRightShiftsOnly(&random)] {
            let expected = c.referenceOutput()
            #expect(fastOutput(c, rows: [0..<c.geometry.batches * c.geometry.outputHeight]) == expected, "\(c)")
            let split = c.randomRowSplit(&random)
            #expect(fastOutput(c, rows: split) == expected, "\(c) rows \(split)")
            if let vnni = vnniOutput(c, rows: [0..<c.geometry.batches * c.geometry.outputHeight]) {
                ranVNNI = true
                #expect(vnni == expected, "VNNI \(c)")
                #expect(vnniOutput(c, rows: split) == expected, "VNNI \(c) rows \(split)")
            }
        }
        return ranVNNI
    }

    static func randomCase(_ random: inout DeterministicRandom, multiplier: Int) -> ConvolutionCase {
        let filterHeight = random.element(of: [1, 2, 3, 3, 3, 5])
        let filterWidth = random.element(of: [1, 3, 3, 3, 4])
        let inputChannels = random.integer(in: 1...(multiplier == 1 ? 50 : 12))
        return ConvolutionCase(
            &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...9),
            inputWidth: random.integer(in: 1...9), inputChannels: inputChannels,
            outputChannels: inputChannels * multiplier, filterHeight: filterHeight, filterWidth: filterWidth,
            stride: (random.integer(in: 1...2), random.integer(in: 1...2)),
            dilation: random.below(6) == 0 ? (random.integer(in: 1...2), random.integer(in: 1...2)) : (1, 1),
            padding: (random.integer(in: 0...filterHeight - 1), random.integer(in: 0...filterHeight - 1),
                      random.integer(in: 0...filterWidth - 1), random.integer(in: 0...filterWidth - 1)),
            depthMultiplier: multiplier)
    }

    @Test func multiplierOneMatchesReference() {
        var random = DeterministicRandom(seed: 505)
        for _ in 0..<250 { Self.check(Self.randomCase(&random, multiplier: 1), &random) }
    }

    @Test func largerMultipliersMatchReference() {
        var random = DeterministicRandom(seed: 606)
        for _ in 0..<80 { Self.check(Self.randomCase(&random, multiplier: random.integer(in: 2...4)), &random) }
    }

    /// Channel counts that divide 16 at stride 1 pack several pixels into one vector.
    @Test func fewChannelsPackPixelsTogether() {
        var random = DeterministicRandom(seed: 1414)
        for _ in 0..<80 {
            let filterWidth = random.element(of: [1, 3, 3, 5])
            let channels = random.element(of: [1, 2, 4, 8])
            let c = ConvolutionCase(
                &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...6),
                inputWidth: random.integer(in: 1...23), inputChannels: channels, outputChannels: channels, filterHeight: 3, filterWidth: filterWidth, stride: (random.integer(in: 1...2), 1),
                dilation: (1, random.below(4) == 0 ? 2 : 1),
                padding: (random.integer(in: 0...2), random.integer(in: 0...2),
                          random.integer(in: 0...filterWidth - 1), random.integer(in: 0...filterWidth - 1)),
                depthMultiplier: 1)
            Self.check(c, &random)
        }
    }

    /// 3x3 filters over whole blocks of 16 channels: rows split into units of 16 outputs taken in
    /// pairs (odd and even counts), at both strides, with and without padding and dilation.
    @Test func wholeChannelBlocks3x3MatchReference() {
        var random = DeterministicRandom(seed: 1515)
        for _ in 0..<80 {
            let channels = random.element(of: [16, 32, 48, 64])
            let c = ConvolutionCase(
                &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...6),
                inputWidth: random.integer(in: 1...13), inputChannels: channels, outputChannels: channels,
                filterHeight: 3, filterWidth: 3, stride: (random.integer(in: 1...2), random.integer(in: 1...2)),
                dilation: random.below(5) == 0 ? (random.integer(in: 1...2), 2) : (1, 1),
                padding: (random.integer(in: 0...2), random.integer(in: 0...2), random.integer(in: 0...2),
                          random.integer(in: 0...2)),
                depthMultiplier: 1)
            Self.check(c, &random)
        }
    }

    /// The model's layers at reduced size: 3x3 stride 1 with SAME padding, and stride 2 VALID
    /// after an explicit PAD.
    @Test func modelShapesMatchReference() {
        var random = DeterministicRandom(seed: 707)
        for (size, channels, stride, padding) in [(12, 8, 1, 1), (13, 16, 2, 0), (6, 32, 1, 1), (7, 64, 2, 0),
                                                  (3, 128, 1, 1), (1, 256, 1, 1)] {
            let c = ConvolutionCase(&random, batches: 1, inputHeight: size, inputWidth: size, inputChannels: channels,
                                    outputChannels: channels, filterHeight: 3, filterWidth: 3, stride: (stride, stride),
                                    padding: (padding, padding, padding, padding), depthMultiplier: 1)
            Self.check(c, &random)
        }
    }

    /// The layers the VNNI kernel takes: 3x3 over whole blocks of 32 channels at any stride, and
    /// 1-16 channels at stride 1 (partial last blocks), with padding on every side and dilation;
    /// rows wide enough to take several chunks (a chunk converts at most 768 bytes of a row).
    @Test func vnniLayersMatchReference() {
        var random = DeterministicRandom(seed: 1616)
        var ran = 0
        for _ in 0..<120 {
            let channels = random.element(of: [1, 2, 4, 8, 16, 32, 64, 96])
            let strideWidth = channels >= 32 ? random.integer(in: 1...2) : 1
            let c = ConvolutionCase(
                &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...7),
                inputWidth: random.integer(in: 1...(random.below(3) == 0 ? 4 * 768 / channels : 19)),
                inputChannels: channels, outputChannels: channels,
                filterHeight: 3, filterWidth: 3, stride: (random.integer(in: 1...2), strideWidth),
                dilation: random.below(5) == 0 ? (random.integer(in: 1...2), random.integer(in: 1...2)) : (1, 1),
                padding: (random.integer(in: 0...2), random.integer(in: 0...2), random.integer(in: 0...2),
                          random.integer(in: 0...2)),
                depthMultiplier: 1)
            if Self.check(c, &random) { ran += 1 }
        }
        #if TINYSSD_AVX512
        if avx512VNNIAvailable { #expect(ran == 120) }
        #endif
    }

    @Test func extremeValuesMatchReference() {
        var random = DeterministicRandom(seed: 808)
        for fill in [Int8.min, Int8.max] {
            var c = ConvolutionCase(&random, batches: 1, inputHeight: 4, inputWidth: 4, inputChannels: 40,
                                    outputChannels: 40, filterHeight: 3, filterWidth: 3, stride: (1, 1),
                                    padding: (1, 1, 1, 1), depthMultiplier: 1)
            c.input = [Int8](repeating: fill, count: c.input.count)
            c.filter = [Int8](repeating: Int8.min, count: c.filter.count)
            c.inputOffset = fill == .min ? -127 : 128
            c.shifts = c.shifts.map { _ in 0 }
            c.multipliers = c.multipliers.map { _ in Int32.max }
            Self.check(c, &random)
        }
    }
}
