import Testing
import TestSupport
@testable import Int8Kernels

/// A random float32 convolution (regular or depthwise): a `ConvolutionCase`'s geometry with float
/// data in [-1, 1] and a random fused activation range.
struct FloatConvolutionCase: CustomStringConvertible {
    var geometry: ConvolutionGeometry
    var depthMultiplier: Int
    var input: [Float]
    var filter: [Float]
    var bias: [Float]?
    var activationMin: Float
    var activationMax: Float

    var description: String {
        let g = geometry
        return "n\(g.batches) \(g.inputHeight)x\(g.inputWidth)x\(g.inputChannels) -> \(g.outputHeight)x\(g.outputWidth)x\(g.outputChannels) "
            + "filter \(g.filterHeight)x\(g.filterWidth) stride \(g.strideHeight),\(g.strideWidth) dilation \(g.dilationHeight),\(g.dilationWidth) "
            + "pad \(g.padTop),\(g.padLeft) multiplier \(depthMultiplier) bias \(bias != nil) clamp \(activationMin)...\(activationMax)"
    }

    init(_ random: inout DeterministicRandom, batches: Int, inputHeight: Int, inputWidth: Int, inputChannels: Int,
         outputChannels: Int, filterHeight: Int, filterWidth: Int, stride: (Int, Int), dilation: (Int, Int) = (1, 1),
         padding: (top: Int, bottom: Int, left: Int, right: Int), depthMultiplier: Int = 0) {
        let shape = ConvolutionCase(&random, batches: batches, inputHeight: inputHeight, inputWidth: inputWidth,
                                    inputChannels: inputChannels, outputChannels: outputChannels,
                                    filterHeight: filterHeight, filterWidth: filterWidth, stride: stride,
                                    dilation: dilation, padding: padding, depthMultiplier: depthMultiplier)
        geometry = shape.geometry
        self.depthMultiplier = depthMultiplier
        input = random.floats(shape.input.count, in: -1...1)
        filter = random.floats(shape.filter.count, in: -1...1)
        bias = random.below(5) == 0 ? nil : random.floats(outputChannels, in: -1...1)
        // No activation, ReLU, ReLU6, and now and then a narrow range that clamps on both sides.
        switch random.below(4) {
        case 0: (activationMin, activationMax) = (-.infinity, .infinity)
        case 1: (activationMin, activationMax) = (0, .infinity)
        case 2: (activationMin, activationMax) = (0, 6)
        default: (activationMin, activationMax) = (-0.5, 0.75)
        }
    }

    var outputCount: Int { geometry.batches * geometry.outputHeight * geometry.outputWidth * geometry.outputChannels }

    func referenceOutput() -> [Float] {
        var output = [Float](repeating: .nan, count: outputCount)
        withOptionalPointer(bias) { bias in
            if depthMultiplier > 0 {
                depthwiseConvolutionFloatReference(geometry, depthMultiplier: depthMultiplier, input: input, filter: filter,
                                                   bias: bias, activationMin: activationMin, activationMax: activationMax,
                                                   output: &output)
            } else {
                convolutionFloatReference(geometry, input: input, filter: filter, bias: bias, activationMin: activationMin,
                                          activationMax: activationMax, output: &output)
            }
        }
        return output
    }

    /// Row ranges covering `0..<batches * outputHeight` in random pieces, some empty.
    func randomRowSplit(_ random: inout DeterministicRandom) -> [Range<Int>] {
        let total = geometry.batches * geometry.outputHeight
        var cuts = [0, total]
        for _ in 0..<random.below(4) { cuts.append(random.integer(in: 0...total)) }
        cuts.sort()
        return (0..<cuts.count - 1).map { cuts[$0]..<cuts[$0 + 1] }
    }

    /// The same case with its implicit padding made explicit: the input padded with zeros to
    /// exactly the rows and columns the windows read, and no padding left in the geometry.
    func withExplicitPadding() -> FloatConvolutionCase {
        var c = self
        let g = geometry
        let height = (g.outputHeight - 1) * g.strideHeight + (g.filterHeight - 1) * g.dilationHeight + 1
        let width = g.paddedInputWidth
        var padded = [Float](repeating: 0, count: g.batches * height * width * g.inputChannels)
        for b in 0..<g.batches {
            for y in 0..<g.inputHeight where y + g.padTop < height {
                for x in 0..<g.inputWidth where x + g.padLeft < width {
                    for ch in 0..<g.inputChannels {
                        padded[((b * height + y + g.padTop) * width + x + g.padLeft) * g.inputChannels + ch] =
                            input[((b * g.inputHeight + y) * g.inputWidth + x) * g.inputChannels + ch]
                    }
                }
            }
        }
        c.input = padded
        c.geometry.inputHeight = height
        c.geometry.inputWidth = width
        c.geometry.padTop = 0
        c.geometry.padLeft = 0
        return c
    }
}

/// The bound the fast float kernels are held to: `|fast - reference| <= 1e-5 * max(1, |reference|)`
/// for every output value (the summation order differs, so exact equality is not expected).
func withinFloatTolerance(_ fast: [Float], _ reference: [Float]) -> (ok: Bool, worst: String) {
    guard fast.count == reference.count else { return (false, "counts \(fast.count) and \(reference.count)") }
    var worst: Float = 0
    var worstIndex = -1
    for i in reference.indices {
        let error = abs(fast[i] - reference[i]) / max(1, abs(reference[i]))
        // A NaN (an output never written) is the worst of all and stays so.
        if error.isNaN || (error > worst && !worst.isNaN) { worst = error.isNaN ? .nan : error; worstIndex = i }
    }
    let ok = worstIndex < 0 || worst <= 1e-5
    return (ok, worstIndex < 0 ? "exact" : "relative error \(worst) at \(worstIndex): \(fast[worstIndex]) vs \(reference[worstIndex])")
}

/// Fills a scratch of `bytes` bytes with garbage (NaN bit patterns included) and runs `body` on it.
func withGarbageScratch<R>(_ bytes: Int, _ body: (UnsafeMutableRawPointer) -> R) -> R {
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: scratchAlignment)
    defer { scratch.deallocate() }
    scratch.initializeMemory(as: UInt8.self, repeating: 0xFF, count: max(bytes, 1))
    return body(scratch)
}

/// `convolutionFloatFast` against `convolutionFloatReference`, within `withinFloatTolerance`.
@Suite struct ConvolutionFloatFastTests {
    static func packed(_ c: FloatConvolutionCase) -> PackedConvolutionFloat {
        withOptionalPointer(c.bias) {
            PackedConvolutionFloat(c.geometry, filter: c.filter, bias: $0, activationMin: c.activationMin,
                                   activationMax: c.activationMax)
        }
    }

    static func fastOutput(_ c: FloatConvolutionCase, rows: [Range<Int>]) -> [Float] {
        let packed = packed(c)
        var output = [Float](repeating: .nan, count: c.outputCount)
        withGarbageScratch(packed.scratchByteCount) { scratch in
            output.withUnsafeMutableBufferPointer { output in
                for range in rows {
                    convolutionFloatFast(packed, input: c.input, output: output.baseAddress!, rows: range, scratch: scratch)
                }
            }
        }
        return output
    }

    static func check(_ c: FloatConvolutionCase, _ random: inout DeterministicRandom) {
        let expected = c.referenceOutput()
        let whole = withinFloatTolerance(fastOutput(c, rows: [0..<c.geometry.batches * c.geometry.outputHeight]), expected)
        #expect(whole.ok, "\(c): \(whole.worst)")
        let split = c.randomRowSplit(&random)
        let parts = withinFloatTolerance(fastOutput(c, rows: split), expected)
        #expect(parts.ok, "\(c) rows \(split): \(parts.worst)")
    }

    @Test func pointwiseWithinToleranceOfReference() {
        var random = DeterministicRandom(seed: 2101)
        for _ in 0..<150 {
            let c = FloatConvolutionCase(
                &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...7),
                inputWidth: random.integer(in: 1...7), inputChannels: random.integer(in: 1...70),
                outputChannels: random.integer(in: 1...70), filterHeight: 1, filterWidth: 1, stride: (1, 1),
                padding: (0, 0, 0, 0))
            Self.check(c, &random)
        }
    }

    /// Pieces of a pointwise convolution starting at any pixel, read from an input that is not
    /// 16-byte aligned, as the runtime's in-place steps give them.
    @Test func pointwisePiecesWithinToleranceOfReference() {
        var random = DeterministicRandom(seed: 2102)
        for _ in 0..<40 {
            let c = FloatConvolutionCase(
                &random, batches: 1, inputHeight: random.integer(in: 1...5), inputWidth: random.integer(in: 1...9),
                inputChannels: random.integer(in: 1...40), outputChannels: random.integer(in: 1...40), filterHeight: 1,
                filterWidth: 1, stride: (1, 1), padding: (0, 0, 0, 0))
            let packed = Self.packed(c)
            let g = c.geometry
            let pixels = g.outputHeight * g.outputWidth
            let shifted = [Float](repeating: .nan, count: 1) + c.input
            var output = [Float](repeating: .nan, count: c.outputCount + 1)
            var start = 0
            while start < pixels {
                let count = min(random.integer(in: 1...6), pixels - start)
                withGarbageScratch(packed.scratchByteCount) { scratch in
                    shifted.withUnsafeBufferPointer { input in
                        output.withUnsafeMutableBufferPointer { output in
                            convolutionPointwiseFloatFast(packed, pixelCount: count,
                                                          input: input.baseAddress! + 1 + start * g.inputChannels,
                                                          output: output.baseAddress! + 1 + start * g.outputChannels,
                                                          scratch: scratch)
                        }
                    }
                }
                start += count
            }
            let result = withinFloatTolerance(Array(output.dropFirst()), c.referenceOutput())
            #expect(result.ok, "\(c): \(result.worst)")
            #expect(output[0].isNaN, "\(c): wrote before its output")
        }
    }

    @Test func generalConvolutionWithinToleranceOfReference() {
        var random = DeterministicRandom(seed: 2202)
        for _ in 0..<200 {
            let filterHeight = random.element(of: [1, 2, 3, 3, 3, 5])
            let filterWidth = random.element(of: [1, 3, 3, 3, 4])
            let c = FloatConvolutionCase(
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

    /// The model's stem (3 input channels, stride 2, SAME padding only on the bottom and right),
    /// heads (3x3 over 32 channels into 10 or 20) and its deepest 1x1 layers, at reduced size.
    @Test func modelShapesWithinToleranceOfReference() {
        var random = DeterministicRandom(seed: 2303)
        let cases = [
            FloatConvolutionCase(&random, batches: 1, inputHeight: 20, inputWidth: 18, inputChannels: 3, outputChannels: 8,
                                 filterHeight: 3, filterWidth: 3, stride: (2, 2), padding: (0, 1, 0, 1)),
            FloatConvolutionCase(&random, batches: 1, inputHeight: 6, inputWidth: 6, inputChannels: 32, outputChannels: 20,
                                 filterHeight: 3, filterWidth: 3, stride: (1, 1), padding: (1, 1, 1, 1)),
            FloatConvolutionCase(&random, batches: 2, inputHeight: 3, inputWidth: 3, inputChannels: 32, outputChannels: 10,
                                 filterHeight: 3, filterWidth: 3, stride: (1, 1), padding: (1, 1, 1, 1)),
            FloatConvolutionCase(&random, batches: 1, inputHeight: 1, inputWidth: 1, inputChannels: 256, outputChannels: 32,
                                 filterHeight: 1, filterWidth: 1, stride: (1, 1), padding: (0, 0, 0, 0)),
            FloatConvolutionCase(&random, batches: 1, inputHeight: 3, inputWidth: 3, inputChannels: 256, outputChannels: 256,
                                 filterHeight: 1, filterWidth: 1, stride: (1, 1), padding: (0, 0, 0, 0)),
            FloatConvolutionCase(&random, batches: 1, inputHeight: 5, inputWidth: 5, inputChannels: 128, outputChannels: 24,
                                 filterHeight: 3, filterWidth: 3, stride: (2, 2), padding: (1, 1, 1, 1)),
        ]
        for c in cases { Self.check(c, &random) }
    }

    /// Implicit padding and an explicit PAD's zeros give the same values bit for bit, so the
    /// runtime's PAD absorption changes no result.
    @Test func implicitPaddingEqualsExplicitZeros() {
        var random = DeterministicRandom(seed: 2404)
        for _ in 0..<60 {
            let filterHeight = random.element(of: [1, 2, 3, 3, 5])
            let filterWidth = random.element(of: [1, 3, 3, 4])
            let c = FloatConvolutionCase(
                &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...8),
                inputWidth: random.integer(in: 1...8), inputChannels: random.integer(in: 1...20),
                outputChannels: random.integer(in: 1...40), filterHeight: filterHeight, filterWidth: filterWidth,
                stride: (random.integer(in: 1...2), random.integer(in: 1...2)),
                dilation: random.below(5) == 0 ? (random.integer(in: 1...2), random.integer(in: 1...2)) : (1, 1),
                padding: (random.integer(in: 0...filterHeight - 1), random.integer(in: 0...filterHeight - 1),
                          random.integer(in: 0...filterWidth - 1), random.integer(in: 0...filterWidth - 1)))
            let rows = [0..<c.geometry.batches * c.geometry.outputHeight]
            #expect(Self.fastOutput(c, rows: rows) == Self.fastOutput(c.withExplicitPadding(), rows: rows), "\(c)")
        }
    }
}

/// `depthwiseConvolutionFloatFast` against `depthwiseConvolutionFloatReference`, within `withinFloatTolerance`.
@Suite struct DepthwiseConvolutionFloatFastTests {
    static func fastOutput(_ c: FloatConvolutionCase, rows: [Range<Int>]) -> [Float] {
        let packed = withOptionalPointer(c.bias) {
            PackedDepthwiseConvolutionFloat(c.geometry, depthMultiplier: c.depthMultiplier, filter: c.filter, bias: $0,
                                            activationMin: c.activationMin, activationMax: c.activationMax)
        }
        var output = [Float](repeating: .nan, count: c.outputCount)
        withGarbageScratch(packed.scratchByteCount) { scratch in
            output.withUnsafeMutableBufferPointer { output in
                for range in rows {
                    depthwiseConvolutionFloatFast(packed, input: c.input, output: output.baseAddress!, rows: range,
                                                  scratch: scratch)
                }
            }
        }
        return output
    }

    static func check(_ c: FloatConvolutionCase, _ random: inout DeterministicRandom) {
        let expected = c.referenceOutput()
        let whole = withinFloatTolerance(fastOutput(c, rows: [0..<c.geometry.batches * c.geometry.outputHeight]), expected)
        #expect(whole.ok, "\(c): \(whole.worst)")
        let split = c.randomRowSplit(&random)
        let parts = withinFloatTolerance(fastOutput(c, rows: split), expected)
        #expect(parts.ok, "\(c) rows \(split): \(parts.worst)")
    }

    static func randomCase(_ random: inout DeterministicRandom, multiplier: Int) -> FloatConvolutionCase {
        let filterHeight = random.element(of: [1, 2, 3, 3, 3, 5])
        let filterWidth = random.element(of: [1, 3, 3, 3, 4])
        let inputChannels = random.integer(in: 1...(multiplier == 1 ? 50 : 12))
        return FloatConvolutionCase(
            &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...9),
            inputWidth: random.integer(in: 1...12), inputChannels: inputChannels,
            outputChannels: inputChannels * multiplier, filterHeight: filterHeight, filterWidth: filterWidth,
            stride: (random.integer(in: 1...2), random.integer(in: 1...2)),
            dilation: random.below(6) == 0 ? (random.integer(in: 1...2), random.integer(in: 1...2)) : (1, 1),
            padding: (random.integer(in: 0...filterHeight - 1), random.integer(in: 0...filterHeight - 1),
                      random.integer(in: 0...filterWidth - 1), random.integer(in: 0...filterWidth - 1)),
            depthMultiplier: multiplier)
    }

    @Test func multiplierOneWithinToleranceOfReference() {
        var random = DeterministicRandom(seed: 2505)
        for _ in 0..<250 { Self.check(Self.randomCase(&random, multiplier: 1), &random) }
    }

    @Test func largerMultipliersWithinToleranceOfReference() {
        var random = DeterministicRandom(seed: 2606)
        for _ in 0..<80 { Self.check(Self.randomCase(&random, multiplier: random.integer(in: 2...4)), &random) }
    }

    /// 3x3 filters over whole blocks of 8 channels (the registers-held path), rows of odd and
    /// even interior lengths, both strides, padding on every side, some dilation.
    @Test func wholeChannelBlocks3x3WithinToleranceOfReference() {
        var random = DeterministicRandom(seed: 2707)
        for _ in 0..<100 {
            let channels = random.element(of: [8, 16, 24, 32, 64, 67])
            let c = FloatConvolutionCase(
                &random, batches: random.integer(in: 1...2), inputHeight: random.integer(in: 1...6),
                inputWidth: random.integer(in: 1...15), inputChannels: channels, outputChannels: channels,
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
    @Test func modelShapesWithinToleranceOfReference() {
        var random = DeterministicRandom(seed: 2808)
        for (size, channels, stride, padding) in [(12, 8, 1, 1), (13, 16, 2, 0), (6, 32, 1, 1), (7, 64, 2, 0),
                                                  (3, 128, 1, 1), (1, 256, 1, 1)] {
            let c = FloatConvolutionCase(&random, batches: 1, inputHeight: size, inputWidth: size, inputChannels: channels,
                                         outputChannels: channels, filterHeight: 3, filterWidth: 3, stride: (stride, stride),
                                         padding: (padding, padding, padding, padding), depthMultiplier: 1)
            Self.check(c, &random)
        }
    }

    /// Implicit padding and an explicit PAD's zeros give the same values bit for bit (the border
    /// columns sum in the interior's order), so the runtime's PAD absorption changes no result.
    @Test func implicitPaddingEqualsExplicitZeros() {
        var random = DeterministicRandom(seed: 2909)
        for _ in 0..<80 {
            let c = Self.randomCase(&random, multiplier: random.below(4) == 0 ? 2 : 1)
            let rows = [0..<c.geometry.batches * c.geometry.outputHeight]
            #expect(Self.fastOutput(c, rows: rows) == Self.fastOutput(c.withExplicitPadding(), rows: rows), "\(c)")
        }
        for channels in [8, 16, 24, 32, 67] {
            let c = FloatConvolutionCase(&random, batches: 1, inputHeight: 7, inputWidth: 9, inputChannels: channels,
                                         outputChannels: channels, filterHeight: 3, filterWidth: 3, stride: (2, 1),
                                         padding: (1, 1, 1, 1), depthMultiplier: 1)
            let rows = [0..<c.geometry.outputHeight]
            #expect(Self.fastOutput(c, rows: rows) == Self.fastOutput(c.withExplicitPadding(), rows: rows), "\(c)")
        }
    }
}
