/// 3x3 depthwise convolution + batch norm + ReLU6: the first half of every MobileNet block.
/// Images go in chunks so a chunk's output is still in cache for the batch-norm statistics,
/// and its gradient for the two backward kernels.
final class DepthwiseBlock: NormalizedLayer {
    let input: TensorSlot
    let output: TensorSlot
    let convolved: TensorSlot
    let taps: DepthwiseTaps
    /// Offset of the `[3, 3, C, 1]` kernel in the trainable values.
    let kernel: Int
    var normalization: BatchNormalization
    var accumulatesInputGradient = [false]

    init(input: TensorSlot, output: TensorSlot, shape: ConvolutionShape, kernel: Int, normalization: BatchNormalization) {
        self.input = input
        self.output = output
        self.kernel = kernel
        self.normalization = normalization
        taps = DepthwiseTaps(shape)
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
    var shape: ConvolutionShape { taps.shape }

    func scratchCount(images: Int) -> Int { 9 * shape.inputChannels }

    /// Images per chunk: about 128 KiB of input.
    private var chunkImages: Int { max(1, 32768 / input.elementsPerImage) }

    private func forEachChunk(_ context: WorkerContext, _ body: (Int, Int) -> Void) {
        var first = 0
        while first < context.images {
            let count = min(chunkImages, context.images - first)
            body(first, count)
            first += count
        }
    }

    func forward(_ context: WorkerContext) {
        let x = convolved.values(context), filter = context.parameters + kernel
        if context.training { normalization.startStatistics(context) }
        forEachChunk(context) { first, count in
            let chunk = x + first * output.elementsPerImage
            DepthwiseKernels.forward(shape, images: count, input: input.values(context) + first * input.elementsPerImage,
                                     filter: filter, output: chunk)
            if context.training { normalization.addStatistics(chunk, rows: count * shape.outputPixels, context) }
        }
        if context.training {
            normalization.finishStatistics(context)
        } else {
            normalization.useMovingStatistics(context)
        }
        normalization.normalize(x, into: output.values(context), rows: context.images * shape.outputPixels, context)
    }

    func backward(_ context: WorkerContext) {
        let gradient = output.gradients(context), x = convolved.values(context), filter = context.parameters + kernel
        normalization.prepareGradient(gradient, x: x, rows: context.images * shape.outputPixels,
                                      batchPixels: context.batchImages * shape.outputPixels, context)
        let filterGradient = context.scratch
        filterGradient.update(repeating: 0, count: 9 * shape.inputChannels)
        forEachChunk(context) { first, count in
            let dx = gradient + first * output.elementsPerImage, source = input.values(context) + first * input.elementsPerImage
            normalization.inputGradient(dx, x: x + first * output.elementsPerImage, rows: count * shape.outputPixels, context)
            DepthwiseKernels.addFilterGradient(shape, images: count, input: source, outputGradient: dx,
                                               filterGradient: filterGradient)
            guard input.needsGradient else { return }
            taps.inputGradient(images: count, outputGradient: dx, filter: filter,
                               inputGradient: input.gradients(context) + first * input.elementsPerImage,
                               accumulate: accumulatesInputGradient[0])
        }
        for index in 0..<9 * shape.inputChannels {
            context.storeParameterGradient(filterGradient[index], at: kernel + index)
        }
    }
}
