import TestSupport
import Testing
@testable import Training

/// The fast kernels against the plain-loop references on awkward shapes: odd sides, stride 2,
/// asymmetric padding, channel counts that leave a remainder after blocks of eight.
@Suite struct EngineKernelTests {
    static func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-4,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, sourceLocation: sourceLocation)
        var worst: Float = 0
        for (a, e) in zip(actual, expected) { worst = max(worst, abs(a - e) / (1 + abs(e))) }
        #expect(worst <= tolerance, "largest relative difference \(worst)", sourceLocation: sourceLocation)
    }

    static let shapes: [ConvolutionShape] = [
        .same(inputHeight: 6, inputWidth: 5, inputChannels: 11, outputChannels: 11, kernelSize: 3, stride: 1),
        .same(inputHeight: 12, inputWidth: 10, inputChannels: 24, outputChannels: 24, kernelSize: 3, stride: 1),
        ConvolutionShape(inputHeight: 11, inputWidth: 13, inputChannels: 40, outputChannels: 40, kernelSize: 3, stride: 2,
                         padTop: 0, padLeft: 0, padBottom: 1, padRight: 1),
        .same(inputHeight: 7, inputWidth: 9, inputChannels: 13, outputChannels: 13, kernelSize: 3, stride: 2),
        .same(inputHeight: 6, inputWidth: 6, inputChannels: 8, outputChannels: 8, kernelSize: 3, stride: 2),
        .same(inputHeight: 1, inputWidth: 1, inputChannels: 16, outputChannels: 16, kernelSize: 3, stride: 1),
        .same(inputHeight: 2, inputWidth: 3, inputChannels: 5, outputChannels: 5, kernelSize: 3, stride: 1),
    ]

    @Test(arguments: shapes)
    func depthwiseMatchesReference(_ g: ConvolutionShape) {
        var random = DeterministicRandom(seed: 31)
        let images = 2, C = g.inputChannels
        let input = random.floats(images * g.inputPixels * C, in: -1...1)
        let filter = random.floats(9 * C, in: -1...1)
        let outputGradient = random.floats(images * g.outputPixels * C, in: -1...1)
        let prior = random.floats(input.count, in: -1...1)

        var output = [Float](repeating: 0, count: outputGradient.count)
        DepthwiseKernels.forward(g, images: images, input: input, filter: filter, output: &output)
        Self.expectClose(output, ConvolutionReference.depthwiseForward(g, images: images, input: input, filter: filter))

        let reference = ConvolutionReference.depthwiseBackward(g, images: images, input: input, filter: filter,
                                                               outputGradient: outputGradient)
        var inputGradient = [Float](repeating: .nan, count: input.count)
        DepthwiseTaps(g).inputGradient(images: images, outputGradient: outputGradient, filter: filter,
                                       inputGradient: &inputGradient, accumulate: false)
        Self.expectClose(inputGradient, reference.input)
        var accumulated = prior
        DepthwiseTaps(g).inputGradient(images: images, outputGradient: outputGradient, filter: filter,
                                       inputGradient: &accumulated, accumulate: true)
        Self.expectClose(accumulated, zip(prior, reference.input).map { $0 + $1 })

        // It adds to what is there.
        let start = random.floats(filter.count, in: -1...1)
        var filterGradient = start
        DepthwiseKernels.addFilterGradient(g, images: images, input: input, outputGradient: outputGradient,
                                           filterGradient: &filterGradient)
        Self.expectClose(filterGradient, zip(start, reference.filter).map { $0 + $1 })
    }

    static let convolutions: [ConvolutionShape] = [
        .same(inputHeight: 9, inputWidth: 8, inputChannels: 3, outputChannels: 8, kernelSize: 3, stride: 2),
        .same(inputHeight: 5, inputWidth: 7, inputChannels: 6, outputChannels: 10, kernelSize: 3, stride: 1),
        ConvolutionShape(inputHeight: 6, inputWidth: 6, inputChannels: 4, outputChannels: 5, kernelSize: 3, stride: 2,
                         padTop: 0, padLeft: 0, padBottom: 1, padRight: 1),
        .same(inputHeight: 1, inputWidth: 1, inputChannels: 7, outputChannels: 20, kernelSize: 3, stride: 1),
        .same(inputHeight: 4, inputWidth: 3, inputChannels: 5, outputChannels: 6, kernelSize: 1, stride: 1),
    ]

    /// The patch-matrix path of `ConvolutionBlock`: im2col and GEMMs forward, GEMMs and the
    /// patch scatter backward.
    @Test(arguments: convolutions)
    func patchConvolutionMatchesReference(_ g: ConvolutionShape) {
        var random = DeterministicRandom(seed: 32)
        let images = 3, patch = g.taps * g.inputChannels, rows = images * g.outputPixels, cout = g.outputChannels
        let input = random.floats(images * g.inputPixels * g.inputChannels, in: -1...1)
        let filter = random.floats(patch * cout, in: -1...1)
        let outputGradient = random.floats(rows * cout, in: -1...1)
        var columns = [Float](repeating: .nan, count: rows * patch)
        Im2col.patches(g, images: images, input: input, into: &columns)
        var output = [Float](repeating: 0, count: rows * cout)
        matrixProduct(m: rows, n: cout, k: patch, a: columns, lda: patch, b: filter, ldb: cout, beta: 0, c: &output, ldc: cout)
        Self.expectClose(output, ConvolutionReference.forward(g, images: images, input: input, filter: filter))

        let reference = ConvolutionReference.backward(g, images: images, input: input, filter: filter,
                                                      outputGradient: outputGradient)
        var filterGradient = [Float](repeating: .nan, count: filter.count)
        matrixProduct(m: patch, n: cout, k: rows, a: columns, lda: patch, transposeA: true, b: outputGradient, ldb: cout,
                      beta: 0, c: &filterGradient, ldc: cout)
        Self.expectClose(filterGradient, reference.filter)
        matrixProduct(m: rows, n: patch, k: cout, a: outputGradient, lda: cout, b: filter, ldb: cout, transposeB: true,
                      beta: 0, c: &columns, ldc: patch)
        var inputGradient = [Float](repeating: .nan, count: input.count)
        Im2col.addPatches(g, images: images, columns: columns, into: &inputGradient, accumulate: false)
        Self.expectClose(inputGradient, reference.input)
    }

    static let stems: [ConvolutionShape] = [
        .same(inputHeight: 9, inputWidth: 8, inputChannels: 3, outputChannels: 8, kernelSize: 3, stride: 2),
        .same(inputHeight: 7, inputWidth: 5, inputChannels: 3, outputChannels: 16, kernelSize: 3, stride: 1),
        ConvolutionShape(inputHeight: 6, inputWidth: 7, inputChannels: 3, outputChannels: 24, kernelSize: 3, stride: 2,
                         padTop: 1, padLeft: 0, padBottom: 0, padRight: 1),
        .same(inputHeight: 2, inputWidth: 1, inputChannels: 3, outputChannels: 8, kernelSize: 3, stride: 1),
    ]

    @Test(arguments: stems)
    func stemMatchesReference(_ g: ConvolutionShape) {
        #expect(StemKernels.applies(to: g))
        var random = DeterministicRandom(seed: 34)
        let images = 2
        let input = random.floats(images * g.inputPixels * 3, in: -1...1)
        let filter = random.floats(27 * g.outputChannels, in: -1...1)
        let outputGradient = random.floats(images * g.outputPixels * g.outputChannels, in: -1...1)
        var output = [Float](repeating: .nan, count: outputGradient.count)
        StemKernels.forward(g, images: images, input: input, filter: filter, output: &output)
        Self.expectClose(output, ConvolutionReference.forward(g, images: images, input: input, filter: filter))
        var filterGradient = [Float](repeating: .nan, count: filter.count)
        StemKernels.filterGradient(g, images: images, input: input, outputGradient: outputGradient,
                                   filterGradient: &filterGradient)
        Self.expectClose(filterGradient, ConvolutionReference.backward(g, images: images, input: input, filter: filter,
                                                                       outputGradient: outputGradient).filter)
    }

    @Test func arenaPlacementsNeverOverlapWhileLive() {
        var plan = ArenaPlanner()
        var random = DeterministicRandom(seed: 33)
        var live: [(offset: Int, count: Int)] = []
        for _ in 0..<200 {
            if !live.isEmpty && random.below(3) == 0 {
                let victim = live.remove(at: random.below(live.count))
                plan.free(victim.offset, victim.count)
            } else {
                let count = 1 + random.below(100)
                let offset = plan.allocate(count)
                #expect(offset % 16 == 0)
                for other in live {
                    #expect(offset + count <= other.offset || other.offset + other.count <= offset)
                }
                #expect(offset + count <= plan.size)
                live.append((offset, count))
            }
        }
    }
}
