import Int8Kernels
#if TINYSSD_AVX512
import Int8KernelsAVX512
#endif
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
    let arithmetic: ConvolutionArithmetic
    if input.type == .int8 {
        arithmetic = .int8(try ConvolutionQuantization(context, input: input, filter: filter, output: output, channels: channels,
                                                       channelDimension: depthwise ? 3 : 0, activation: activation))
    } else {
        guard let (low, high) = activationRange(activation) else {
            throw context.error("fused activation \(activation) is not supported")
        }
        arithmetic = .float(activationMin: low, activationMax: high)
    }
    let isPointwise = !depthwise && g.filterHeight == 1 && g.filterWidth == 1 && g.strideHeight == 1
        && g.strideWidth == 1 && g.padTop == 0 && g.padLeft == 0
    let fast = fastConvolution(context, kind: kind, geometry: g, arithmetic: arithmetic, filter: filter.index, bias: bias)
    let step: any KernelStep
    if isPointwise {
        step = PointwiseConvolutionStep(geometry: g, arithmetic: arithmetic, fast: fast, input: input.index,
                                        filter: filter.index, bias: bias, output: output.index)
    } else {
        step = ConvolutionStep(kind: kind, geometry: g, arithmetic: arithmetic, fast: fast, input: input.index,
                               filter: filter.index, bias: bias, output: output.index)
    }
    let weightBytes = try context.constantBytes(1) + (bias == nil ? 0 : context.constantBytes(2))
    return PreparedOperator(outputShapes: [[g.batches, g.outputHeight, g.outputWidth, channels]], step: step,
                            macs: depthwise ? g.depthwiseMACs : g.convolutionMACs, weightBytes: weightBytes)
}

/// The SIMD kernel of a convolution, with its weights packed at load time.
enum FastConvolution: Sendable {
    case regular(PackedConvolution)
    case depthwise(PackedDepthwiseConvolution)
    /// Float32 CONV_2D and DEPTHWISE_CONV_2D.
    case float(PackedConvolutionFloat)
    case depthwiseFloat(PackedDepthwiseConvolutionFloat)
    #if TINYSSD_AVX512
    /// CONV_2D on CPUs with AVX-512 VNNI.
    case vnni(PackedConvolutionVNNI)
    /// The DEPTHWISE_CONV_2D layers `PackedDepthwiseConvolutionVNNI` takes, on the same CPUs.
    case depthwiseVNNI(PackedDepthwiseConvolutionVNNI)
    #endif

    var scratchBytes: Int {
        switch self {
        case .regular(let packed): return packed.scratchByteCount
        case .depthwise(let packed): return packed.scratchByteCount
        case .float(let packed): return packed.scratchByteCount
        case .depthwiseFloat(let packed): return packed.scratchByteCount
        #if TINYSSD_AVX512
        case .vnni(let packed): return packed.scratchByteCount
        case .depthwiseVNNI(let packed): return packed.scratchByteCount
        #endif
        }
    }

    func absorbingPadding(height: Int, width: Int, top: Int, left: Int) -> FastConvolution {
        switch self {
        case .regular(let p): return .regular(p.absorbingPadding(height: height, width: width, top: top, left: left))
        case .depthwise(let p): return .depthwise(p.absorbingPadding(height: height, width: width, top: top, left: left))
        case .float(let p): return .float(p.absorbingPadding(height: height, width: width, top: top, left: left))
        case .depthwiseFloat(let p):
            return .depthwiseFloat(p.absorbingPadding(height: height, width: width, top: top, left: left))
        #if TINYSSD_AVX512
        case .vnni(let p): return .vnni(p.absorbingPadding(height: height, width: width, top: top, left: left))
        case .depthwiseVNNI(let p):
            return .depthwiseVNNI(p.absorbingPadding(height: height, width: width, top: top, left: left))
        #endif
        }
    }

    /// Runs output rows `rows` of a (depthwise) convolution.
    func run(input raw: UnsafeRawPointer, output rawOutput: UnsafeMutableRawPointer, rows: Range<Int>,
             scratch: UnsafeMutableRawPointer) {
        let input = raw.assumingMemoryBound(to: Int8.self)
        let output = rawOutput.assumingMemoryBound(to: Int8.self)
        switch self {
        case .regular(let packed):
            convolutionInt8Fast(packed, input: input, output: output, rows: rows, scratch: scratch)
        case .depthwise(let packed):
            depthwiseConvolutionInt8Fast(packed, input: input, output: output, rows: rows, scratch: scratch)
        case .float(let packed):
            convolutionFloatFast(packed, input: raw.assumingMemoryBound(to: Float.self),
                                 output: rawOutput.assumingMemoryBound(to: Float.self), rows: rows, scratch: scratch)
        case .depthwiseFloat(let packed):
            depthwiseConvolutionFloatFast(packed, input: raw.assumingMemoryBound(to: Float.self),
                                          output: rawOutput.assumingMemoryBound(to: Float.self), rows: rows, scratch: scratch)
        #if TINYSSD_AVX512
        case .vnni(let packed):
            convolutionInt8VNNI(packed, input: input, output: output, rows: rows, scratch: scratch)
        case .depthwiseVNNI(let packed):
            depthwiseConvolutionInt8VNNI(packed, input: input, output: output, rows: rows, scratch: scratch)
        #endif
        }
    }

    /// Runs `pixelCount` pixels of a pointwise CONV_2D (`input` and `output` at the first).
    func runPointwise(pixelCount: Int, input raw: UnsafeRawPointer, output rawOutput: UnsafeMutableRawPointer,
                      scratch: UnsafeMutableRawPointer) {
        let input = raw.assumingMemoryBound(to: Int8.self)
        let output = rawOutput.assumingMemoryBound(to: Int8.self)
        switch self {
        case .regular(let packed):
            convolutionPointwiseInt8Fast(packed, pixelCount: pixelCount, input: input, output: output, scratch: scratch)
        case .float(let packed):
            convolutionPointwiseFloatFast(packed, pixelCount: pixelCount, input: raw.assumingMemoryBound(to: Float.self),
                                          output: rawOutput.assumingMemoryBound(to: Float.self), scratch: scratch)
        case .depthwise, .depthwiseFloat:
            preconditionFailure("a depthwise convolution is never pointwise")
        #if TINYSSD_AVX512
        case .depthwiseVNNI:
            preconditionFailure("a depthwise convolution is never pointwise")
        #endif
        #if TINYSSD_AVX512
        case .vnni(let packed):
            convolutionPointwiseInt8VNNI(packed, pixelCount: pixelCount, input: input, output: output, scratch: scratch)
        #endif
        }
    }
}

/// Packs the weights of a convolution whose filter (and bias) are constants; nil for run-time
/// filters, which keep the reference kernel.
private func fastConvolution(_ context: OperatorContext, kind: ConvolutionKind, geometry: ConvolutionGeometry,
                             arithmetic: ConvolutionArithmetic, filter: Int, bias: Int?) -> FastConvolution? {
    guard let filterData = context.graph.constants[filter] else { return nil }
    var biasPointer: UnsafeMutableRawPointer?
    if let bias {
        guard let data = context.graph.constants[bias] else { return nil }
        biasPointer = data.pointer
    }
    let quantization: ConvolutionQuantization
    switch arithmetic {
    case .int8(let q):
        quantization = q
    case .float(let low, let high):
        let weights = filterData.pointer.assumingMemoryBound(to: Float.self)
        let biasData = biasPointer?.assumingMemoryBound(to: Float.self)
        switch kind {
        case .regular:
            return .float(PackedConvolutionFloat(geometry, filter: weights, bias: biasData, activationMin: low,
                                                 activationMax: high))
        case .depthwise(let multiplier):
            return .depthwiseFloat(PackedDepthwiseConvolutionFloat(geometry, depthMultiplier: multiplier, filter: weights,
                                                                   bias: biasData, activationMin: low, activationMax: high))
        }
    }
    let biasData = biasPointer?.assumingMemoryBound(to: Int32.self)
    let weights = filterData.pointer.assumingMemoryBound(to: Int8.self)
    return quantization.withKernelParameters { q in
        switch kind {
        case .regular:
            #if TINYSSD_AVX512
            if avx512VNNIAvailable { return .vnni(PackedConvolutionVNNI(geometry, q, filter: weights, bias: biasData)) }
            #endif
            return .regular(PackedConvolution(geometry, q, filter: weights, bias: biasData))
        case .depthwise(let multiplier):
            #if TINYSSD_AVX512
            if avx512VNNIAvailable, let packed = PackedDepthwiseConvolutionVNNI(geometry, depthMultiplier: multiplier, q,
                                                                               filter: weights, bias: biasData) {
                return .depthwiseVNNI(packed)
            }
            #endif
            return .depthwise(PackedDepthwiseConvolution(geometry, depthMultiplier: multiplier, q, filter: weights, bias: biasData))
        }
    }
}

/// How a convolution turns accumulators into outputs.
enum ConvolutionArithmetic {
    case int8(ConvolutionQuantization)
    case float(activationMin: Float, activationMax: Float)

    var elementSize: Int {
        if case .int8 = self { return 1 }
        return 4
    }
}

/// Runs the reference kernel of a (depthwise) convolution for `geometry` on the given pointers.
private func runConvolution(
    _ kind: ConvolutionKind, _ g: ConvolutionGeometry, _ arithmetic: ConvolutionArithmetic,
    input: UnsafeRawPointer, filter: UnsafeRawPointer, bias: UnsafeRawPointer?, output: UnsafeMutableRawPointer
) {
    switch arithmetic {
    case .int8(let quantization):
        quantization.withKernelParameters { q in
            let x = input.assumingMemoryBound(to: Int8.self)
            let w = filter.assumingMemoryBound(to: Int8.self)
            let b = bias?.assumingMemoryBound(to: Int32.self)
            let y = output.assumingMemoryBound(to: Int8.self)
            switch kind {
            case .regular:
                convolutionInt8Reference(g, q, input: x, filter: w, bias: b, output: y)
            case .depthwise(let multiplier):
                depthwiseConvolutionInt8Reference(g, depthMultiplier: multiplier, q, input: x, filter: w, bias: b, output: y)
            }
        }
    case .float(let low, let high):
        let x = input.assumingMemoryBound(to: Float.self)
        let w = filter.assumingMemoryBound(to: Float.self)
        let b = bias?.assumingMemoryBound(to: Float.self)
        let y = output.assumingMemoryBound(to: Float.self)
        switch kind {
        case .regular:
            convolutionFloatReference(g, input: x, filter: w, bias: b, activationMin: low, activationMax: high, output: y)
        case .depthwise(let multiplier):
            depthwiseConvolutionFloatReference(g, depthMultiplier: multiplier, input: x, filter: w, bias: b,
                                               activationMin: low, activationMax: high, output: y)
        }
    }
}

/// A CONV_2D or DEPTHWISE_CONV_2D with a spatial window.
struct ConvolutionStep: PaddingAbsorbingStep, RowPartitionedStep {
    let kind: ConvolutionKind
    let geometry: ConvolutionGeometry
    let arithmetic: ConvolutionArithmetic
    let fast: FastConvolution?
    let input: Int, filter: Int, bias: Int?, output: Int

    var scratchBytes: Int { fast?.scratchBytes ?? 0 }

    /// Output rows of the whole batch for the fast kernels; the reference splits one image's rows.
    var rowCount: Int {
        fast != nil ? geometry.batches * geometry.outputHeight : geometry.batches == 1 ? geometry.outputHeight : 1
    }

    func run(_ memory: TensorMemory) {
        run(memory, rows: 0..<rowCount)
    }

    func run(_ memory: TensorMemory, rows: Range<Int>) {
        switch fast {
        case let fast?:
            // The planner gives every step its scratch; a fast kernel always declares some.
            fast.run(input: memory[input], output: memory[output], rows: rows, scratch: memory.scratch!)
        case nil:
            guard geometry.batches == 1 else {
                return runConvolution(kind, geometry, arithmetic, input: memory[input], filter: memory[filter],
                                      bias: bias.map { memory[$0] }, output: memory[output])
            }
            // Output rows r0..<r1 are the whole computation with the window moved down r0 strides.
            var g = geometry
            g.outputHeight = rows.count
            g.padTop -= rows.lowerBound * g.strideHeight
            let rowBytes = g.outputWidth * g.outputChannels * arithmetic.elementSize
            runConvolution(kind, g, arithmetic, input: memory[input], filter: memory[filter], bias: bias.map { memory[$0] },
                           output: memory[output] + rows.lowerBound * rowBytes)
        }
    }

    var implicitPaddingValue: Int32 {
        if case .int8(let q) = arithmetic { return -q.inputOffset }
        return 0
    }

    func absorbingPadding(input newInput: Int, height: Int, width: Int, top: Int, left: Int) -> any KernelStep {
        ConvolutionStep(kind: kind, geometry: geometry.absorbingPadding(height: height, width: width, top: top, left: left),
                        arithmetic: arithmetic,
                        fast: fast?.absorbingPadding(height: height, width: width, top: top, left: left),
                        input: newInput, filter: filter, bias: bias, output: output)
    }
}

/// A 1x1, stride-1 CONV_2D: each output pixel depends only on its input pixel, so it can run in
/// place over part of the image at a time.
struct PointwiseConvolutionStep: PixelwiseStep {
    let geometry: ConvolutionGeometry
    let arithmetic: ConvolutionArithmetic
    let fast: FastConvolution?
    let input: Int, filter: Int, bias: Int?, output: Int

    var inputTensor: Int { input }
    var outputTensor: Int { output }
    var unitCount: Int { geometry.batches * geometry.outputHeight * geometry.outputWidth }
    var inputUnitBytes: Int { geometry.inputChannels * arithmetic.elementSize }
    var outputUnitBytes: Int { geometry.outputChannels * arithmetic.elementSize }
    var scratchBytes: Int { fast?.scratchBytes ?? 0 }

    func run(units: Range<Int>, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, memory: TensorMemory) {
        if let fast {
            fast.runPointwise(pixelCount: units.count, input: input, output: output, scratch: memory.scratch!)
            return
        }
        // A row of `units.count` pixels is the same computation as any part of the image.
        var g = geometry
        g.batches = 1
        g.inputHeight = 1
        g.outputHeight = 1
        g.inputWidth = units.count
        g.outputWidth = units.count
        runConvolution(.regular, g, arithmetic, input: input, filter: memory[filter], bias: bias.map { memory[$0] }, output: output)
    }
}
