import Int8Kernels
import TFLiteFormat

/// Output size and leading padding of one spatial dimension (TFLite's ComputePaddingHeightWidth).
func convolutionExtent(input: Int, filter: Int, stride: Int, dilation: Int, padding: Padding) -> (output: Int, padBefore: Int) {
    let effectiveFilter = (filter - 1) * dilation + 1
    let output = padding == .same ? (input + stride - 1) / stride : (input + stride - effectiveFilter) / stride
    let totalPadding = max((output - 1) * stride + effectiveFilter - input, 0)
    return (output, totalPadding / 2)
}

/// Checks strides, dilations and activation, then builds the geometry of a (depthwise) convolution.
func convolutionGeometry(
    _ context: OperatorContext, input: TensorInfo, filterHeight: Int, filterWidth: Int, outputChannels: Int,
    padding: Padding, strideHeight: Int32, strideWidth: Int32, dilationHeight: Int32, dilationWidth: Int32
) throws(RuntimeError) -> ConvolutionGeometry {
    guard strideHeight >= 1, strideWidth >= 1, dilationHeight >= 1, dilationWidth >= 1 else {
        throw context.error("strides (\(strideHeight), \(strideWidth)) and dilations (\(dilationHeight), \(dilationWidth)) must be at least 1")
    }
    guard strideHeight <= 1024, strideWidth <= 1024, dilationHeight <= 1024, dilationWidth <= 1024 else {
        throw context.error("strides (\(strideHeight), \(strideWidth)) or dilations (\(dilationHeight), \(dilationWidth)) are implausibly large")
    }
    let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
    let vertical = convolutionExtent(input: h, filter: filterHeight, stride: Int(strideHeight), dilation: Int(dilationHeight), padding: padding)
    let horizontal = convolutionExtent(input: w, filter: filterWidth, stride: Int(strideWidth), dilation: Int(dilationWidth), padding: padding)
    guard vertical.output > 0, horizontal.output > 0, filterHeight > 0, filterWidth > 0, outputChannels > 0, n > 0 else {
        throw context.error("input \(input.shape) with a \(filterHeight)x\(filterWidth) filter gives an empty output")
    }
    return ConvolutionGeometry(
        batches: n, inputHeight: h, inputWidth: w, inputChannels: input.shape[3],
        outputHeight: vertical.output, outputWidth: horizontal.output, outputChannels: outputChannels,
        filterHeight: filterHeight, filterWidth: filterWidth,
        strideHeight: Int(strideHeight), strideWidth: Int(strideWidth),
        dilationHeight: Int(dilationHeight), dilationWidth: Int(dilationWidth),
        padTop: vertical.padBefore, padLeft: horizontal.padBefore)
}

/// Per-channel requantization constants of an int8 convolution.
struct ConvolutionQuantization {
    var inputOffset: Int32
    var outputZeroPoint: Int32
    var multipliers: [Int32]
    var shifts: [Int32]
    var activationMin: Int32
    var activationMax: Int32

    init(_ context: OperatorContext, input: TensorInfo, filter: TensorInfo, output: TensorInfo,
         channels: Int, channelDimension: Int, activation: FusedActivation) throws(RuntimeError) {
        let inputQ = try context.perTensorQuantization(input, role: "input")
        let outputQ = try context.perTensorQuantization(output, role: "output")
        guard let filterQ = filter.quantization else {
            throw context.error("filter '\(filter.name)' has no quantization parameters")
        }
        guard filterQ.scales.count == 1 || (filterQ.scales.count == channels && filterQ.quantizedDimension == channelDimension) else {
            throw context.error("filter '\(filter.name)' has \(filterQ.scales.count) scales along dimension \(filterQ.quantizedDimension); expected 1 or \(channels) along dimension \(channelDimension)")
        }
        guard filterQ.zeroPoints.allSatisfy({ $0 == 0 }) else {
            throw context.error("filter '\(filter.name)' must be symmetrically quantized (zero point 0)")
        }
        guard (-128...127).contains(inputQ.zeroPoint), (-128...127).contains(outputQ.zeroPoint) else {
            throw context.error("int8 zero points must lie in -128...127")
        }
        guard let range = activationRange(activation, scale: outputQ.scale, zeroPoint: outputQ.zeroPoint, type: output.type) else {
            throw context.error("fused activation \(activation) is not supported for int8 output")
        }
        inputOffset = -inputQ.zeroPoint
        outputZeroPoint = outputQ.zeroPoint
        multipliers = []
        shifts = []
        for c in 0..<channels {
            let filterScale = Double(filterQ.scales.count == 1 ? filterQ.scales[0] : filterQ.scales[c])
            let m = QuantizedMultiplier(Double(inputQ.scale) * filterScale / Double(outputQ.scale))
            multipliers.append(m.multiplier)
            shifts.append(m.shift)
        }
        (activationMin, activationMax) = range
    }

    func withKernelParameters<R>(_ body: (ChannelRequantization) -> R) -> R {
        multipliers.withUnsafeBufferPointer { m in
            shifts.withUnsafeBufferPointer { s in
                // Both arrays are non-empty: a convolution has at least one output channel.
                body(ChannelRequantization(inputOffset: inputOffset, outputZeroPoint: outputZeroPoint,
                                           multipliers: m.baseAddress!, shifts: s.baseAddress!,
                                           activationMin: activationMin, activationMax: activationMax))
            }
        }
    }
}

/// Checks the bias of a convolution: `[channels]` of the given type, or absent.
func checkBias(_ context: OperatorContext, channels: Int, type: TensorType) throws(RuntimeError) -> Int? {
    guard let bias = context.optionalInput(2) else { return nil }
    try context.requireType(bias, [type], role: "bias")
    guard bias.elementCount == channels else {
        throw context.error("bias '\(bias.name)' has shape \(bias.shape); expected \(channels) values")
    }
    return bias.index
}

/// CONV_2D or DEPTHWISE_CONV_2D.
enum ConvolutionKind {
    case regular
    case depthwise(multiplier: Int)
}

func prepareConvolution(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    guard case .conv2D(let o) = context.options else { throw context.error("missing Conv2DOptions") }
    return try prepareAnyConvolution(context, depthwise: false, padding: o.padding, stride: (o.strideHeight, o.strideWidth),
                                     dilation: (o.dilationHeight, o.dilationWidth), activation: o.activation)
}

func prepareDepthwiseConvolution(_ context: OperatorContext) throws(RuntimeError) -> PreparedOperator {
    guard case .depthwiseConv2D(let o) = context.options else { throw context.error("missing DepthwiseConv2DOptions") }
    return try prepareAnyConvolution(context, depthwise: true, padding: o.padding, stride: (o.strideHeight, o.strideWidth),
                                     dilation: (o.dilationHeight, o.dilationWidth), activation: o.activation)
}

private func prepareAnyConvolution(
    _ context: OperatorContext, depthwise: Bool, padding: Padding, stride: (Int32, Int32), dilation: (Int32, Int32),
    activation: FusedActivation
) throws(RuntimeError) -> PreparedOperator {
    try context.requireInputs(2...3)
    let input = try context.input(0)
    let filter = try context.input(1)
    let output = context.output()
    try context.requireRank(input, 4, role: "input")
    try context.requireRank(filter, 4, role: "filter")
    try context.requireType(input, [.int8, .float32], role: "input")
    try context.requireType(filter, [input.type], role: "filter")
    try context.requireType(output, [input.type], role: "output")
    let inputChannels = input.shape[3]
    let kind: ConvolutionKind
    let channels: Int
    if depthwise {
        // TFLite derives the multiplier from the shapes and ignores the option's value.
        channels = filter.shape[3]
        guard filter.shape[0] == 1, inputChannels > 0, channels % inputChannels == 0 else {
            throw context.error("filter \(filter.shape) does not fit input \(input.shape): expected [1, h, w, k * \(inputChannels)]")
        }
        kind = .depthwise(multiplier: channels / inputChannels)
    } else {
        channels = filter.shape[0]
        guard filter.shape[3] == inputChannels else {
            throw context.error("filter \(filter.shape) expects \(filter.shape[3]) input channels, input \(input.shape) has \(inputChannels) (grouped convolution is not supported)")
        }
        kind = .regular
    }
    let bias = try checkBias(context, channels: channels, type: input.type == .int8 ? .int32 : .float32)
    let g = try convolutionGeometry(context, input: input, filterHeight: filter.shape[1], filterWidth: filter.shape[2],
                                    outputChannels: channels, padding: padding, strideHeight: stride.0,
                                    strideWidth: stride.1, dilationHeight: dilation.0, dilationWidth: dilation.1)
    let step: any KernelStep
    if input.type == .int8 {
        let q = try ConvolutionQuantization(context, input: input, filter: filter, output: output, channels: channels,
                                            channelDimension: depthwise ? 3 : 0, activation: activation)
        step = ConvolutionInt8Step(kind: kind, geometry: g, quantization: q, input: input.index, filter: filter.index,
                                   bias: bias, output: output.index)
    } else {
        guard let (low, high) = activationRange(activation) else {
            throw context.error("fused activation \(activation) is not supported")
        }
        step = ConvolutionFloatStep(kind: kind, geometry: g, activationMin: low, activationMax: high,
                                    input: input.index, filter: filter.index, bias: bias, output: output.index)
    }
    let weightBytes = try context.constantBytes(1) + (bias == nil ? 0 : context.constantBytes(2))
    return PreparedOperator(outputShapes: [[g.batches, g.outputHeight, g.outputWidth, channels]], step: step,
                            macs: depthwise ? g.depthwiseMACs : g.convolutionMACs, weightBytes: weightBytes)
}

struct ConvolutionInt8Step: KernelStep {
    let kind: ConvolutionKind
    let geometry: ConvolutionGeometry
    let quantization: ConvolutionQuantization
    let input: Int, filter: Int, bias: Int?, output: Int

    func run(_ memory: TensorMemory) {
        quantization.withKernelParameters { q in
            let bias = bias.map { memory.int32($0) }
            switch kind {
            case .regular:
                convolutionInt8Reference(geometry, q, input: memory.int8(input), filter: memory.int8(filter),
                                         bias: bias, output: memory.int8(output))
            case .depthwise(let multiplier):
                depthwiseConvolutionInt8Reference(geometry, depthMultiplier: multiplier, q, input: memory.int8(input),
                                                  filter: memory.int8(filter), bias: bias, output: memory.int8(output))
            }
        }
    }
}

struct ConvolutionFloatStep: KernelStep {
    let kind: ConvolutionKind
    let geometry: ConvolutionGeometry
    let activationMin: Float, activationMax: Float
    let input: Int, filter: Int, bias: Int?, output: Int

    func run(_ memory: TensorMemory) {
        let bias = bias.map { memory.float($0) }
        switch kind {
        case .regular:
            convolutionFloatReference(geometry, input: memory.float(input), filter: memory.float(filter), bias: bias,
                                      activationMin: activationMin, activationMax: activationMax,
                                      output: memory.float(output))
        case .depthwise(let multiplier):
            depthwiseConvolutionFloatReference(geometry, depthMultiplier: multiplier, input: memory.float(input),
                                               filter: memory.float(filter), bias: bias, activationMin: activationMin,
                                               activationMax: activationMax, output: memory.float(output))
        }
    }
}
