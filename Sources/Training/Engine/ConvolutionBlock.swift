/// k x k convolution through a patch matrix (im2col, then one GEMM) + batch norm (+ ReLU6):
/// the stem and the prediction heads.
final class ConvolutionBlock: NormalizedLayer {
    let input: TensorSlot
    let output: TensorSlot
    let convolved: TensorSlot
    let shape: ConvolutionShape
    /// Offset of the `[k, k, Cin, Cout]` kernel in the trainable values.
    let kernel: Int
    var normalization: BatchNormalization
    var accumulatesInputGradient = [false]

    init(input: TensorSlot, output: TensorSlot, shape: ConvolutionShape, kernel: Int, normalization: BatchNormalization) {
        self.input = input
        self.output = output
        self.shape = shape
        self.kernel = kernel
        self.normalization = normalization
        convolved = TensorSlot(name: output.name + "/convolved", height: output.height, width: output.width,
                               channels: output.channels, needsGradient: false)
    }

    var inputs: [TensorSlot] { [input] }
    var outputs: [TensorSlot] { [output] }
    var internals: [TensorSlot] { [convolved] }
    private var patchLength: Int { shape.taps * shape.inputChannels }

    func scratchCount(images: Int) -> Int { images * shape.outputPixels * patchLength }

    func forward(_ context: WorkerContext) {
        let rows = context.images * shape.outputPixels, cout = shape.outputChannels
        Im2col.patches(shape, images: context.images, input: input.values(context), into: context.scratch)
        matrixProduct(m: rows, n: cout, k: patchLength, a: context.scratch, lda: patchLength,
                      b: context.parameters + kernel, ldb: cout, beta: 0, c: convolved.values(context), ldc: cout)
        normalization.forward(convolved.values(context), into: output.values(context), pixels: rows,
                              batchPixels: context.batchImages * shape.outputPixels, context)
    }

    func backward(_ context: WorkerContext) {
        let rows = context.images * shape.outputPixels, cout = shape.outputChannels
        let gradient = output.gradients(context)
        normalization.backward(gradient, x: convolved.values(context), pixels: rows,
                               batchPixels: context.batchImages * shape.outputPixels, context)
        // The patches are rebuilt rather than kept: cheaper than their memory.
        Im2col.patches(shape, images: context.images, input: input.values(context), into: context.scratch)
        matrixProduct(m: patchLength, n: cout, k: rows, a: context.scratch, lda: patchLength, transposeA: true,
                      b: gradient, ldb: cout, beta: context.parameterGradientBeta,
                      c: context.parameterGradients + kernel, ldc: cout)
        guard input.needsGradient else { return }
        matrixProduct(m: rows, n: patchLength, k: cout, a: gradient, lda: cout, b: context.parameters + kernel,
                      ldb: cout, transposeB: true, beta: 0, c: context.scratch, ldc: patchLength)
        Im2col.addPatches(shape, images: context.images, columns: context.scratch, into: input.gradients(context),
                          accumulate: accumulatesInputGradient[0])
    }
}
