/// 1x1 convolution (GEMMs over the pixels of the worker's images) + batch norm (+ ReLU6). Rows
/// go in chunks small enough that a chunk's output is still in cache when the batch-norm
/// statistics read it, and its gradient when the two backward GEMMs read it.
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

    /// About 256 KiB of each matrix a backward chunk touches twice; at least 512 rows so the
    /// kernel gradient, read and written per chunk, stays small beside them.
    private var chunkRows: Int { max(512, 65536 / (input.channels + output.channels)) }

    /// Calls `body(first row, rows)` for consecutive chunks of `rows`; once with no rows for a
    /// worker without images (it still owes its zero parameter gradients).
    private func forEachChunk(rows: Int, _ body: (Int, Int) -> Void) {
        guard rows > 0 else { return body(0, 0) }
        var first = 0
        while first < rows {
            let count = min(chunkRows, rows - first)
            body(first, count)
            first += count
        }
    }

    func forward(_ context: WorkerContext) {
        let rows = context.images * input.pixelsPerImage, cin = input.channels, cout = output.channels
        let x = convolved.values(context)
        if context.training { normalization.startStatistics(context) }
        forEachChunk(rows: rows) { first, count in
            matrixProduct(m: count, n: cout, k: cin, a: input.values(context) + first * cin, lda: cin,
                          b: context.parameters + kernel, ldb: cout, beta: 0, c: x + first * cout, ldc: cout)
            if context.training { normalization.addStatistics(x + first * cout, rows: count, context) }
        }
        if context.training {
            normalization.finishStatistics(context)
        } else {
            normalization.useMovingStatistics(context)
        }
        normalization.normalize(x, into: output.values(context), rows: rows, context)
    }

    func backward(_ context: WorkerContext) {
        let rows = context.images * input.pixelsPerImage, cin = input.channels, cout = output.channels
        let gradient = output.gradients(context), x = convolved.values(context)
        normalization.prepareGradient(gradient, x: x, rows: rows, batchPixels: context.batchImages * output.pixelsPerImage,
                                      context)
        forEachChunk(rows: rows) { first, count in
            let dx = gradient + first * cout
            normalization.inputGradient(dx, x: x + first * cout, rows: count, context)
            matrixProduct(m: cin, n: cout, k: count, a: input.values(context) + first * cin, lda: cin, transposeA: true,
                          b: dx, ldb: cout, beta: first == 0 ? context.parameterGradientBeta : 1,
                          c: context.parameterGradients + kernel, ldc: cout)
            guard input.needsGradient else { return }
            matrixProduct(m: count, n: cin, k: cout, a: dx, lda: cout, b: context.parameters + kernel, ldb: cout,
                          transposeB: true, beta: accumulatesInputGradient[0] ? 1 : 0,
                          c: input.gradients(context) + first * cin, ldc: cin)
        }
    }
}
