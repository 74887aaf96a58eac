/// k x k convolutions of one input, each + batch norm (+ ReLU6): the stem, and a map's class
/// and box heads, which share one patch matrix (im2col) for their GEMMs. The patches are built
/// for a few images at a time so they stay in cache between being written and multiplied. The
/// stem's RGB input takes `StemKernels` instead of patches.
final class ConvolutionBlock: NormalizedLayer {
    /// One convolution of the input and its normalization.
    struct Branch {
        let shape: ConvolutionShape
        let output: TensorSlot
        /// The convolution's output before normalization.
        let convolved: TensorSlot
        /// Offset of the `[k, k, Cin, Cout]` kernel in the trainable values.
        let kernel: Int
        var normalization: BatchNormalization
    }

    let input: TensorSlot
    var branches: [Branch]
    var accumulatesInputGradient = [false]
    private let direct: Bool

    init(input: TensorSlot, branches: [Branch]) {
        self.input = input
        self.branches = branches
        direct = branches.count == 1 && StemKernels.applies(to: branches[0].shape)
    }

    var inputs: [TensorSlot] { [input] }
    var outputs: [TensorSlot] { branches.map(\.output) }
    var internals: [TensorSlot] { branches.map(\.convolved) }
    var normalizations: [BatchNormalization] {
        get { branches.map(\.normalization) }
        set { for index in branches.indices { branches[index].normalization = newValue[index] } }
    }
    private var geometry: ConvolutionShape { branches[0].shape }
    private var patchLength: Int { geometry.taps * geometry.inputChannels }

    /// Images per patch matrix: enough rows for efficient GEMMs, few enough to stay in L2.
    private var chunkImages: Int { max(1, 512 / geometry.outputPixels) }

    func scratchCount(images: Int) -> Int {
        max(min(images, chunkImages) * geometry.outputPixels * patchLength,
            branches.reduce(0) { max($0, patchLength * $1.shape.outputChannels) })
    }

    /// Calls `body(first image, images)` for consecutive chunks of this worker's images, once
    /// with no images for a worker without any (it still owes its zero parameter gradients).
    private func forEachChunk(_ context: WorkerContext, _ body: (Int, Int) -> Void) {
        guard context.images > 0 else { return body(0, 0) }
        var first = 0
        while first < context.images {
            let count = min(chunkImages, context.images - first)
            body(first, count)
            first += count
        }
    }

    func forward(_ context: WorkerContext) {
        let rows = context.images * geometry.outputPixels
        if direct {
            StemKernels.forward(geometry, images: context.images, input: input.values(context),
                                filter: context.parameters + branches[0].kernel, output: branches[0].convolved.values(context))
        } else {
            forEachChunk(context) { first, count in
                let chunkRows = count * geometry.outputPixels
                Im2col.patches(geometry, images: count, input: input.values(context) + first * input.elementsPerImage,
                               into: context.scratch)
                for branch in branches {
                    let cout = branch.shape.outputChannels
                    matrixProduct(m: chunkRows, n: cout, k: patchLength, a: context.scratch, lda: patchLength,
                                  b: context.parameters + branch.kernel, ldb: cout, beta: 0,
                                  c: branch.convolved.values(context) + first * branch.output.elementsPerImage, ldc: cout)
                }
            }
        }
        for branch in branches {
            branch.normalization.forward(branch.convolved.values(context), into: branch.output.values(context), rows: rows,
                                         context)
        }
    }

    func backward(_ context: WorkerContext) {
        let rows = context.images * geometry.outputPixels, batchPixels = context.batchImages * geometry.outputPixels
        for branch in branches {
            branch.normalization.prepareGradient(branch.output.gradients(context), x: branch.convolved.values(context),
                                                 rows: rows, batchPixels: batchPixels, context)
        }
        if direct {
            let branch = branches[0]
            branch.normalization.inputGradient(branch.output.gradients(context), x: branch.convolved.values(context),
                                               rows: rows, context)
            StemKernels.filterGradient(geometry, images: context.images, input: input.values(context),
                                       outputGradient: branch.output.gradients(context), filterGradient: context.scratch)
            for index in 0..<patchLength * branch.shape.outputChannels {
                context.storeParameterGradient(context.scratch[index], at: branch.kernel + index)
            }
        }
        let needsInput = input.needsGradient
        guard !direct || needsInput else { return }
        forEachChunk(context) { first, count in
            let chunkRows = count * geometry.outputPixels
            if !direct {
                for branch in branches {
                    let offset = first * branch.output.elementsPerImage
                    branch.normalization.inputGradient(branch.output.gradients(context) + offset,
                                                       x: branch.convolved.values(context) + offset, rows: chunkRows, context)
                }
                // The patches are rebuilt rather than kept: cheaper than their memory.
                Im2col.patches(geometry, images: count, input: input.values(context) + first * input.elementsPerImage,
                               into: context.scratch)
                for branch in branches {
                    let cout = branch.shape.outputChannels
                    matrixProduct(m: patchLength, n: cout, k: chunkRows, a: context.scratch, lda: patchLength,
                                  transposeA: true,
                                  b: branch.output.gradients(context) + first * branch.output.elementsPerImage, ldb: cout,
                                  beta: first == 0 ? context.parameterGradientBeta : 1,
                                  c: context.parameterGradients + branch.kernel, ldc: cout)
                }
            }
            guard needsInput else { return }
            for (index, branch) in branches.enumerated() {
                let cout = branch.shape.outputChannels
                matrixProduct(m: chunkRows, n: patchLength, k: cout,
                              a: branch.output.gradients(context) + first * branch.output.elementsPerImage, lda: cout,
                              b: context.parameters + branch.kernel, ldb: cout, transposeB: true, beta: index == 0 ? 0 : 1,
                              c: context.scratch, ldc: patchLength)
            }
            Im2col.addPatches(geometry, images: count, columns: context.scratch,
                              into: input.gradients(context) + first * input.elementsPerImage,
                              accumulate: accumulatesInputGradient[0])
        }
    }
}
