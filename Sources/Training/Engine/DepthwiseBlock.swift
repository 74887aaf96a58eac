/// 3x3 depthwise convolution + batch norm + ReLU6: the first half of every MobileNet block.
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

    func forward(_ context: WorkerContext) {
        DepthwiseKernels.forward(shape, images: context.images, input: input.values(context),
                                 filter: context.parameters + kernel, output: convolved.values(context))
        normalization.forward(convolved.values(context), into: output.values(context),
                              pixels: context.images * shape.outputPixels,
                              batchPixels: context.batchImages * shape.outputPixels, context)
    }

    func backward(_ context: WorkerContext) {
        let gradient = output.gradients(context)
        normalization.backward(gradient, x: convolved.values(context), pixels: context.images * shape.outputPixels,
                               batchPixels: context.batchImages * shape.outputPixels, context)
        DepthwiseKernels.filterGradient(shape, images: context.images, input: input.values(context),
                                        outputGradient: gradient, filterGradient: context.scratch)
        for index in 0..<9 * shape.inputChannels {
            context.storeParameterGradient(context.scratch[index], at: kernel + index)
        }
        guard input.needsGradient else { return }
        taps.inputGradient(images: context.images, outputGradient: gradient, filter: context.parameters + kernel,
                           inputGradient: input.gradients(context), accumulate: accumulatesInputGradient[0])
    }
}
