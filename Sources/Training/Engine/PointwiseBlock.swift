/// 1x1 convolution (one GEMM over all pixels of the worker's images) + batch norm (+ ReLU6).
final class PointwiseBlock: NormalizedLayer {
    let input: TensorSlot
    let output: TensorSlot
    /// The convolution's output before normalization.
    let convolved: TensorSlot
    /// Offset of the `[Cin, Cout]` kernel in the trainable values.
    let kernel: Int
    var normalization: BatchNormalization
    var accumulatesInputGradient = [false]

    init(input: TensorSlot, output: TensorSlot, kernel: Int, normalization: BatchNormalization) {
        self.input = input
        self.output = output
        self.kernel = kernel
        self.normalization = normalization
        convolved = TensorSlot(name: output.name + "/convolved", height: output.height, width: output.width,
                               channels: output.channels, needsGradient: false)
    }

    var inputs: [TensorSlot] { [input] }
    var outputs: [TensorSlot] { [output] }
    var internals: [TensorSlot] { [convolved] }
    var normalizations: [BatchNormalization] {
        get { [normalization] }
        set { normalization = newValue[0] }
    }

    func forward(_ context: WorkerContext) {
        let rows = context.images * input.pixelsPerImage, cin = input.channels, cout = output.channels
        matrixProduct(m: rows, n: cout, k: cin, a: input.values(context), lda: cin,
                      b: context.parameters + kernel, ldb: cout, beta: 0, c: convolved.values(context), ldc: cout)
        normalization.forward(convolved.values(context), into: output.values(context), pixels: rows,
                              batchPixels: context.batchImages * output.pixelsPerImage, context)
    }

    func backward(_ context: WorkerContext) {
        let rows = context.images * input.pixelsPerImage, cin = input.channels, cout = output.channels
        let gradient = output.gradients(context)
        normalization.backward(gradient, x: convolved.values(context), pixels: rows,
                               batchPixels: context.batchImages * output.pixelsPerImage, context)
        matrixProduct(m: cin, n: cout, k: rows, a: input.values(context), lda: cin, transposeA: true,
                      b: gradient, ldb: cout, beta: context.parameterGradientBeta,
                      c: context.parameterGradients + kernel, ldc: cout)
        guard input.needsGradient else { return }
        matrixProduct(m: rows, n: cin, k: cout, a: gradient, lda: cout, b: context.parameters + kernel, ldb: cout,
                      transposeB: true, beta: accumulatesInputGradient[0] ? 1 : 0,
                      c: input.gradients(context), ldc: cin)
    }
}
