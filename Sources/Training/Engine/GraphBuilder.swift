/// Builds a network graph with Keras-named parameters: each call adds a layer, registers its
/// tensors in the parameter table and returns the new activation.
final class GraphBuilder {
    let input: TensorSlot
    private(set) var table = ParameterTable()
    private(set) var layers: [Layer] = []
    private(set) var outputs: [OutputArray] = []
    private var kernels: [(entry: ParameterTable.Entry, initializer: KernelInitializer)] = []
    private let maxBatch: Int

    init(inputHeight: Int, inputWidth: Int, inputChannels: Int, maxBatch: Int, inputNeedsGradient: Bool = false) {
        input = TensorSlot(name: "input", height: inputHeight, width: inputWidth, channels: inputChannels,
                           needsGradient: inputNeedsGradient)
        self.maxBatch = maxBatch
    }

    /// Registers `<normalizationName>/{gamma,beta,moving_mean,moving_variance}` (and the
    /// convolution's `<convolutionName>/bias` when it has one).
    private func normalization(convolutionName: String, normalizationName: String, channels: Int, bias: Bool,
                               relu6: Bool) -> BatchNormalization {
        let biasOffset = bias ? table.append(name: "\(convolutionName)/bias", shape: [channels], role: .bias).offset : nil
        let gamma = table.append(name: "\(normalizationName)/gamma", shape: [channels], role: .batchNormGamma).offset
        let beta = table.append(name: "\(normalizationName)/beta", shape: [channels], role: .batchNormBeta).offset
        let mean = table.append(name: "\(normalizationName)/moving_mean", shape: [channels], role: .movingMean).offset
        let variance = table.append(name: "\(normalizationName)/moving_variance", shape: [channels],
                                    role: .movingVariance).offset
        return BatchNormalization(channels: channels, gamma: gamma, beta: beta, bias: biasOffset, movingMean: mean,
                                  movingVariance: variance, relu6: relu6)
    }

    private func kernel(_ name: String, shape: [Int], initializer: KernelInitializer) -> Int {
        let entry = table.append(name: name, shape: shape, role: .kernel)
        kernels.append((entry, initializer))
        return entry.offset
    }

    /// Conv2D (k x k, no dilation) + BatchNormalization (+ ReLU6).
    func convolution(_ source: TensorSlot, name: String, normalizationName: String, shape: ConvolutionShape,
                     bias: Bool, relu6: Bool, initializer: KernelInitializer) -> TensorSlot {
        convolutions(source, shape: shape, branches: [(name, normalizationName, shape.outputChannels)], bias: bias,
                     relu6: relu6, initializer: initializer)[0]
    }

    /// Several Conv2D + BatchNormalization (+ ReLU6) of the same input and geometry (`shape`'s
    /// output channels are ignored), one per `(name, normalizationName, outputChannels)`.
    func convolutions(_ source: TensorSlot, shape: ConvolutionShape, branches: [(String, String, Int)], bias: Bool,
                      relu6: Bool, initializer: KernelInitializer) -> [TensorSlot] {
        let k = shape.kernelSize
        let planned = branches.map { name, normalizationName, channels -> ConvolutionBlock.Branch in
            let branchShape = ConvolutionShape(
                inputHeight: shape.inputHeight, inputWidth: shape.inputWidth, inputChannels: shape.inputChannels,
                outputChannels: channels, kernelSize: k, stride: shape.stride, padTop: shape.padTop,
                padLeft: shape.padLeft, padBottom: shape.padBottom, padRight: shape.padRight)
            let output = TensorSlot(name: normalizationName, height: shape.outputHeight, width: shape.outputWidth,
                                    channels: channels)
            let kernelOffset = kernel("\(name)/kernel", shape: [k, k, shape.inputChannels, channels], initializer: initializer)
            let norm = normalization(convolutionName: name, normalizationName: normalizationName, channels: channels,
                                     bias: bias, relu6: relu6)
            let convolved = TensorSlot(name: normalizationName + "/convolved", height: output.height, width: output.width,
                                       channels: channels, needsGradient: false)
            return ConvolutionBlock.Branch(shape: branchShape, output: output, convolved: convolved, kernel: kernelOffset,
                                           normalization: norm)
        }
        let pointwise = k == 1 && shape.stride == 1 && shape.padTop + shape.padLeft + shape.padBottom + shape.padRight == 0
        if pointwise && planned.count == 1 {
            layers.append(PointwiseBlock(input: source, output: planned[0].output, kernel: planned[0].kernel,
                                         normalization: planned[0].normalization))
        } else {
            layers.append(ConvolutionBlock(input: source, branches: planned))
        }
        return planned.map(\.output)
    }

    /// DepthwiseConv2D 3x3 + BatchNormalization + ReLU6.
    func depthwise(_ source: TensorSlot, name: String, normalizationName: String, shape: ConvolutionShape,
                   bias: Bool, initializer: KernelInitializer) -> TensorSlot {
        let output = TensorSlot(name: normalizationName, height: shape.outputHeight, width: shape.outputWidth,
                                channels: shape.inputChannels)
        let kernelOffset = kernel("\(name)/depthwise_kernel", shape: [3, 3, shape.inputChannels, 1],
                                  initializer: initializer)
        let norm = normalization(convolutionName: name, normalizationName: normalizationName,
                                 channels: shape.inputChannels, bias: bias, relu6: true)
        layers.append(DepthwiseBlock(input: source, output: output, shape: shape, kernel: kernelOffset, normalization: norm))
        return output
    }

    func zeroPad(_ source: TensorSlot, name: String, top: Int, left: Int, bottom: Int, right: Int) -> TensorSlot {
        let output = TensorSlot(name: name, height: source.height + top + bottom, width: source.width + left + right,
                                channels: source.channels)
        layers.append(ZeroPadLayer(input: source, output: output, top: top, left: left))
        return output
    }

    func globalAveragePool(_ source: TensorSlot, name: String) -> TensorSlot {
        let output = TensorSlot(name: name, height: 1, width: 1, channels: source.channels)
        layers.append(GlobalAveragePoolLayer(input: source, output: output))
        return output
    }

    func upsample(_ source: TensorSlot, name: String) -> TensorSlot {
        let output = TensorSlot(name: name, height: 2 * source.height, width: 2 * source.width, channels: source.channels)
        layers.append(UpsampleLayer(input: source, output: output))
        return output
    }

    func add(_ first: TensorSlot, _ second: TensorSlot, name: String) -> TensorSlot {
        let output = TensorSlot(name: name, height: first.height, width: first.width, channels: first.channels)
        layers.append(AddLayer(first, second, output: output))
        return output
    }

    /// A new output array of `elementsPerImage` floats per image.
    func makeOutput(elementsPerImage: Int) -> OutputArray {
        let output = OutputArray(elementsPerImage: elementsPerImage, maxBatch: maxBatch)
        outputs.append(output)
        return output
    }

    /// Copies `source` into each image's `destination` row block starting at `offset`.
    func copy(_ source: TensorSlot, to destination: OutputArray, offset: Int) {
        layers.append(OutputLayer(input: source, destination: destination, offset: offset))
    }

    /// The engine with Keras' initial values: kernels drawn in table order from `seed`, biases
    /// and beta 0, gamma 1, moving mean 0, moving variance 1.
    func makeEngine(threads: Int, seed: UInt64) -> NetworkEngine {
        let engine = NetworkEngine(input: input, layers: layers, outputs: outputs, table: table, maxBatch: maxBatch,
                                   threads: threads)
        var generator = SeededGenerator(seed: seed)
        for (entry, initializer) in kernels {
            initializer.fill(UnsafeMutableBufferPointer(rebasing: engine.parameters.buffer[entry.offset..<entry.offset + entry.count]),
                             shape: entry.shape, using: &generator)
        }
        for entry in table.entries {
            let fill: Float
            switch entry.role {
            case .batchNormGamma: fill = 1
            case .movingVariance: fill = 1
            default: continue
            }
            let base = entry.role.isTrainable ? engine.parameters.base : engine.movingStatistics.base
            (base + entry.offset).update(repeating: fill, count: entry.count)
        }
        return engine
    }
}
