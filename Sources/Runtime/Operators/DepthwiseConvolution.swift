import Int8Kernels
import TFLiteFormat

func prepareDepthwiseConvolution(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(2...3)
    guard case .depthwiseConv2D(let options) = context.options else { throw context.error("missing DepthwiseConv2DOptions") }
    let input = try context.input(0)
    let filter = try context.input(1)
    let output = context.output()
    try context.requireRank(input, 4, role: "input")
    try context.requireRank(filter, 4, role: "filter")
    try context.requireType(input, [.int8, .float32], role: "input")
    try context.requireType(filter, [input.type], role: "filter")
    try context.requireType(output, [input.type], role: "output")
    let channels = filter.shape[3]
    let inputChannels = input.shape[3]
    // TFLite derives the multiplier from the shapes and ignores the option's value.
    guard filter.shape[0] == 1, inputChannels > 0, channels % inputChannels == 0 else {
        throw context.error("filter \(filter.shape) does not fit input \(input.shape): expected [1, h, w, k * \(inputChannels)]")
    }
    let depthMultiplier = channels / inputChannels
    let bias = try checkBias(context, channels: channels, type: input.type == .int8 ? .int32 : .float32)
    let g = try convolutionGeometry(context, input: input, filterHeight: filter.shape[1], filterWidth: filter.shape[2],
                                    outputChannels: channels, padding: options.padding,
                                    strideHeight: options.strideHeight, strideWidth: options.strideWidth,
                                    dilationHeight: options.dilationHeight, dilationWidth: options.dilationWidth)
    let step: any KernelStep
    if input.type == .int8 {
        let q = try ConvolutionQuantization(context, input: input, filter: filter, output: output, channels: channels,
                                            channelDimension: 3, activation: options.activation)
        step = DepthwiseConvolutionInt8Step(geometry: g, depthMultiplier: depthMultiplier, quantization: q,
                                            input: input.index, filter: filter.index, bias: bias, output: output.index)
    } else {
        guard let (low, high) = activationRange(options.activation) else {
            throw context.error("fused activation \(options.activation) is not supported")
        }
        step = DepthwiseConvolutionFloatStep(geometry: g, depthMultiplier: depthMultiplier, activationMin: low,
                                             activationMax: high, input: input.index, filter: filter.index,
                                             bias: bias, output: output.index)
    }
    let weightBytes = try context.constantBytes(1) + (bias == nil ? 0 : context.constantBytes(2))
    return PreparedOperator(outputShapes: [[g.batches, g.outputHeight, g.outputWidth, channels]], step: step,
                            macs: g.depthwiseMACs, weightBytes: weightBytes)
}

struct DepthwiseConvolutionInt8Step: KernelStep {
    let geometry: ConvolutionGeometry
    let depthMultiplier: Int
    let quantization: ConvolutionQuantization
    let input: Int, filter: Int, bias: Int?, output: Int

    func run(_ memory: TensorMemory) {
        quantization.withKernelParameters { q in
            depthwiseConvolutionInt8Reference(geometry, depthMultiplier: depthMultiplier, q, input: memory.int8(input),
                                              filter: memory.int8(filter), bias: bias.map { memory.int32($0) },
                                              output: memory.int8(output))
        }
    }
}

struct DepthwiseConvolutionFloatStep: KernelStep {
    let geometry: ConvolutionGeometry
    let depthMultiplier: Int
    let activationMin: Float, activationMax: Float
    let input: Int, filter: Int, bias: Int?, output: Int

    func run(_ memory: TensorMemory) {
        depthwiseConvolutionFloatReference(geometry, depthMultiplier: depthMultiplier, input: memory.float(input),
                                           filter: memory.float(filter), bias: bias.map { memory.float($0) },
                                           activationMin: activationMin, activationMax: activationMax,
                                           output: memory.float(output))
    }
}
