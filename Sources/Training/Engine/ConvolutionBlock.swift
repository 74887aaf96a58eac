/// k x k convolutions of one input, each + batch norm (+ ReLU6): the stem, and a map's class
/// and box heads, which share one patch matrix (im2col) for their GEMMs. The stem's RGB input
/// takes `StemKernels` instead of patches.
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

    func scratchCount(images: Int) -> Int {
        max(images * geometry.outputPixels * patchLength, branches.reduce(0) { max($0, patchLength * $1.shape.outputChannels) })
    }

    func forward(_ context: WorkerContext) {
        let rows = context.images * geometry.outputPixels
        if direct {
            StemKernels.forward(geometry, images: context.images, input: input.values(context),
                                filter: context.parameters + branches[0].kernel, output: branches[0].convolved.values(context))
        } else {
            Im2col.patches(geometry, images: context.images, input: input.values(context), into: context.scratch)
            for branch in branches {
                let cout = branch.shape.outputChannels
                matrixProduct(m: rows, n: cout, k: patchLength, a: context.scratch, lda: patchLength,
                              b: context.parameters + branch.kernel, ldb: cout, beta: 0,
                              c: branch.convolved.values(context), ldc: cout)
            }
        }
        for branch in branches {
            branch.normalization.forward(branch.convolved.values(context), into: branch.output.values(context), pixels: rows,
                                         batchPixels: context.batchImages * geometry.outputPixels, context)
        }
    }

    func backward(_ context: WorkerContext) {
        let rows = context.images * geometry.outputPixels
        for branch in branches {
            branch.normalization.backward(branch.output.gradients(context), x: branch.convolved.values(context),
                                          pixels: rows, batchPixels: context.batchImages * geometry.outputPixels, context)
        }
        if direct {
            let branch = branches[0]
            StemKernels.filterGradient(geometry, images: context.images, input: input.values(context),
                                       outputGradient: branch.output.gradients(context), filterGradient: context.scratch)
            for index in 0..<patchLength * branch.shape.outputChannels {
                context.storeParameterGradient(context.scratch[index], at: branch.kernel + index)
            }
        } else {
            // The patches are rebuilt rather than kept: cheaper than their memory.
            Im2col.patches(geometry, images: context.images, input: input.values(context), into: context.scratch)
            for branch in branches {
                let cout = branch.shape.outputChannels
                matrixProduct(m: patchLength, n: cout, k: rows, a: context.scratch, lda: patchLength, transposeA: true,
                              b: branch.output.gradients(context), ldb: cout, beta: context.parameterGradientBeta,
                              c: context.parameterGradients + branch.kernel, ldc: cout)
            }
        }
        guard input.needsGradient else { return }
        for (index, branch) in branches.enumerated() {
            let cout = branch.shape.outputChannels
            matrixProduct(m: rows, n: patchLength, k: cout, a: branch.output.gradients(context), lda: cout,
                          b: context.parameters + branch.kernel, ldb: cout, transposeB: true, beta: index == 0 ? 0 : 1,
                          c: context.scratch, ldc: patchLength)
        }
        Im2col.addPatches(geometry, images: context.images, columns: context.scratch, into: input.gradients(context),
                          accumulate: accumulatesInputGradient[0])
    }
}
