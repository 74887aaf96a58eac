import TFLiteFormat
import TestSupport

/// A small model exercising one operator configuration, with deterministic inputs; its expected
/// outputs come from LiteRT (see scripts/regenerate-operator-cases.sh).
struct OperatorCase {
    let name: String
    let model: TFLiteModel
    let inputs: [[UInt8]]
    /// nil: outputs must be byte-identical (integer kernels); else the allowed relative error of float outputs.
    var floatTolerance: Float?
}

extension OperatorCase {
    static var all: [OperatorCase] {
        convolutionCases + depthwiseCases + dataMovementCases + meanCases + resizeCases + additionCases
            + softmaxCases + quantizationCases + floatCases
    }
}

// MARK: - Convolutions

/// A quantized (depthwise) convolution whose output scale spreads results over the int8 range.
private func quantizedConvolution(
    _ name: String, seed: UInt64, depthwise: Bool, input shape: [Int], filter: (height: Int, width: Int),
    outputChannels: Int, stride: Int32, padding: Padding, dilation: Int32 = 1, activation: FusedActivation = .none,
    perChannel: Bool = true, inputZeroPoint: Int64 = 5, outputZeroPoint: Int64 = -3
) -> OperatorCase {
    var random = DeterministicRandom(seed: seed)
    var b = ModelBuilder()
    let inputScale: Float = 0.02
    let x = b.input("x", .int8, shape, scale: inputScale, zeroPoint: inputZeroPoint)
    let inputChannels = shape[3]
    let filterShape = depthwise ? [1, filter.height, filter.width, outputChannels]
        : [outputChannels, filter.height, filter.width, inputChannels]
    let filterCount = filterShape.reduce(1, *)
    let weights = random.int8s(filterCount, in: -127...127)
    let scales: [Float] = perChannel ? random.floats(outputChannels, in: 0.002...0.01) : [0.005]
    let w = b.constant("w", int8: weights, shape: filterShape, scales: scales, quantizedDimension: depthwise ? 3 : 0)
    let biasScales = (0..<outputChannels).map { inputScale * scales[perChannel ? $0 : 0] }
    let bias = b.constant("bias", int32: random.int32s(outputChannels, in: -3000...3000), scales: biasScales)
    let taps = filter.height * filter.width * (depthwise ? 1 : inputChannels)
    let outputScale = inputScale * 0.006 * 5400 * Float(taps).squareRoot() / 40
    let outH = padding == .same ? (shape[1] + Int(stride) - 1) / Int(stride)
        : (shape[1] - (filter.height - 1) * Int(dilation) - 1) / Int(stride) + 1
    let outW = padding == .same ? (shape[2] + Int(stride) - 1) / Int(stride)
        : (shape[2] - (filter.width - 1) * Int(dilation) - 1) / Int(stride) + 1
    let y = b.tensor("y", .int8, [shape[0], outH, outW, outputChannels], scale: outputScale, zeroPoint: outputZeroPoint)
    if depthwise {
        b.op(.depthwiseConv2D, version: dilation == 1 ? 3 : 3, [x, w, bias], [y], .depthwiseConv2D(DepthwiseConv2DOptions(
            padding: padding, strideWidth: stride, strideHeight: stride, depthMultiplier: Int32(outputChannels / inputChannels),
            activation: activation, dilationWidth: dilation, dilationHeight: dilation)))
    } else {
        b.op(.conv2D, version: 3, [x, w, bias], [y], .conv2D(Conv2DOptions(
            padding: padding, strideWidth: stride, strideHeight: stride, activation: activation,
            dilationWidth: dilation, dilationHeight: dilation)))
    }
    b.output(y)
    return OperatorCase(name: name, model: b.build(), inputs: [random.bytes(shape.reduce(1, *))])
}

private let convolutionCases: [OperatorCase] = [
    quantizedConvolution("conv_3x3_same_s1", seed: 1, depthwise: false, input: [1, 7, 9, 5], filter: (3, 3),
                         outputChannels: 11, stride: 1, padding: .same),
    quantizedConvolution("conv_3x3_same_s2_even", seed: 2, depthwise: false, input: [1, 8, 10, 3], filter: (3, 3),
                         outputChannels: 8, stride: 2, padding: .same, activation: .relu6, outputZeroPoint: -128),
    quantizedConvolution("conv_3x3_valid_s2", seed: 3, depthwise: false, input: [2, 9, 7, 4], filter: (3, 3),
                         outputChannels: 6, stride: 2, padding: .valid),
    quantizedConvolution("conv_1x1_per_tensor", seed: 4, depthwise: false, input: [1, 6, 6, 16], filter: (1, 1),
                         outputChannels: 24, stride: 1, padding: .same, perChannel: false),
    quantizedConvolution("conv_3x3_dilated_relu", seed: 5, depthwise: false, input: [1, 9, 9, 3], filter: (3, 3),
                         outputChannels: 5, stride: 1, padding: .same, dilation: 2, activation: .relu),
    quantizedConvolution("conv_5x3_valid", seed: 6, depthwise: false, input: [1, 8, 6, 2], filter: (5, 3),
                         outputChannels: 3, stride: 1, padding: .valid),
]

private let depthwiseCases: [OperatorCase] = [
    quantizedConvolution("depthwise_3x3_same_s1", seed: 11, depthwise: true, input: [1, 7, 9, 16], filter: (3, 3),
                         outputChannels: 16, stride: 1, padding: .same),
    quantizedConvolution("depthwise_3x3_same_s2_odd_channels", seed: 12, depthwise: true, input: [1, 8, 10, 13], filter: (3, 3),
                         outputChannels: 13, stride: 2, padding: .same),
    quantizedConvolution("depthwise_3x3_valid_s2_relu6", seed: 13, depthwise: true, input: [1, 9, 9, 8], filter: (3, 3),
                         outputChannels: 8, stride: 2, padding: .valid, activation: .relu6, outputZeroPoint: -128),
    quantizedConvolution("depthwise_multiplier_2", seed: 14, depthwise: true, input: [1, 6, 5, 4], filter: (3, 3),
                         outputChannels: 8, stride: 1, padding: .same),
    quantizedConvolution("depthwise_dilated", seed: 15, depthwise: true, input: [1, 9, 8, 24], filter: (3, 3),
                         outputChannels: 24, stride: 1, padding: .same, dilation: 2),
]

// MARK: - Data movement

private let dataMovementCases: [OperatorCase] = {
    var cases: [OperatorCase] = []
    do {
        var random = DeterministicRandom(seed: 21)
        var b = ModelBuilder()
        let x = b.input("x", .int8, [1, 3, 4, 5], scale: 0.1, zeroPoint: -7)
        let paddings = b.constant("paddings", int32: [0, 0, 1, 2, 2, 0, 0, 1], shape: [4, 2])
        let y = b.tensor("y", .int8, [1, 6, 6, 6], scale: 0.1, zeroPoint: -7)
        b.op(.pad, version: 2, [x, paddings], [y], .pad)
        b.output(y)
        cases.append(OperatorCase(name: "pad_int8", model: b.build(), inputs: [random.bytes(60)]))
    }
    do {
        var random = DeterministicRandom(seed: 22)
        var b = ModelBuilder()
        let x = b.input("x", .int8, [1, 2, 3, 2], scale: 0.1, zeroPoint: 1)
        let multiples = b.constant("multiples", int32: [1, 2, 1, 3])
        let y = b.tensor("y", .int8, [1, 4, 3, 6], scale: 0.1, zeroPoint: 1)
        b.op(.tile, version: 3, [x, multiples], [y], .tile)
        let begin = b.constant("begin", int32: [0, 1, 0, 5])
        let end = b.constant("end", int32: [1, 4, -1, 0])
        let strides = b.constant("strides", int32: [1, 2, 1, -2])
        let z = b.tensor("z", .int8, [1, 2, 2, 3], scale: 0.1, zeroPoint: 1)
        b.op(.stridedSlice, version: 2, [y, begin, end, strides], [z], .stridedSlice(StridedSliceOptions(endMask: 8)))
        let shape = b.constant("shape", int32: [3, 4])
        let r = b.tensor("r", .int8, [3, 4], scale: 0.1, zeroPoint: 1)
        b.op(.reshape, [z, shape], [r])
        let packed = b.tensor("packed", .int8, [3, 2, 4], scale: 0.1, zeroPoint: 1)
        b.op(.pack, version: 2, [r, r], [packed], .pack(PackOptions(valuesCount: 2, axis: 1)))
        let concatenated = b.tensor("concatenated", .int8, [3, 2, 8], scale: 0.1, zeroPoint: 1)
        b.op(.concatenation, version: 2, [packed, packed], [concatenated], .concatenation(ConcatenationOptions(axis: -1)))
        b.output(concatenated)
        cases.append(OperatorCase(name: "tile_slice_reshape_pack_concat_int8", model: b.build(), inputs: [random.bytes(12)]))
    }
    return cases
}()

// MARK: - Mean

private func meanCase(_ name: String, seed: UInt64, shape: [Int], axes: [Int32], keepDims: Bool, outputShape: [Int]) -> OperatorCase {
    var random = DeterministicRandom(seed: seed)
    var b = ModelBuilder()
    let x = b.input("x", .int8, shape, scale: 0.05, zeroPoint: -20)
    let axis = b.constant("axis", int32: axes)
    let y = b.tensor("y", .int8, outputShape, scale: 0.03, zeroPoint: 9)
    b.op(.mean, version: 2, [x, axis], [y], .reducer(keepDims: keepDims))
    b.output(y)
    return OperatorCase(name: name, model: b.build(), inputs: [random.bytes(shape.reduce(1, *))])
}

private let meanCases: [OperatorCase] = [
    meanCase("mean_spatial", seed: 31, shape: [1, 5, 6, 8], axes: [1, 2], keepDims: false, outputShape: [1, 8]),
    meanCase("mean_spatial_keep_dims", seed: 32, shape: [2, 5, 6, 8], axes: [2, 1], keepDims: true, outputShape: [2, 1, 1, 8]),
    meanCase("mean_channels", seed: 33, shape: [1, 3, 4, 7], axes: [-1], keepDims: false, outputShape: [1, 3, 4]),
    meanCase("mean_height_keep_dims", seed: 34, shape: [1, 6, 3, 5], axes: [1], keepDims: true, outputShape: [1, 1, 3, 5]),
    meanCase("mean_spatial_keep_dims_wide", seed: 35, shape: [1, 4, 4, 40], axes: [1, 2], keepDims: true,
             outputShape: [1, 1, 1, 40]),
    meanCase("mean_spatial_wide", seed: 36, shape: [1, 3, 5, 40], axes: [1, 2], keepDims: false, outputShape: [1, 40]),
]

// MARK: - Resize

private func resizeCase(_ name: String, seed: UInt64, shape: [Int], size: [Int32], alignCorners: Bool,
                        halfPixel: Bool, type: TensorType = .int8) -> OperatorCase {
    var random = DeterministicRandom(seed: seed)
    var b = ModelBuilder()
    let quantized = type != .float32
    let x = b.input("x", type, shape, scale: quantized ? 0.1 : nil, zeroPoint: quantized ? 4 : 0)
    let sizeTensor = b.constant("size", int32: size)
    let y = b.tensor("y", type, [shape[0], Int(size[0]), Int(size[1]), shape[3]], scale: quantized ? 0.1 : nil,
                     zeroPoint: quantized ? 4 : 0)
    b.op(.resizeBilinear, version: halfPixel ? 3 : (type == .int8 ? 2 : 1), [x, sizeTensor], [y],
         .resizeBilinear(ResizeBilinearOptions(alignCorners: alignCorners, halfPixelCenters: halfPixel)))
    b.output(y)
    let count = shape.reduce(1, *)
    let input = quantized ? random.bytes(count) : littleEndianBytes(random.floats(count, in: -3...3).map(\.bitPattern))
    return OperatorCase(name: name, model: b.build(), inputs: [input], floatTolerance: quantized ? nil : 1e-5)
}

private let resizeCases: [OperatorCase] = [
    resizeCase("resize_half_pixel_2x", seed: 41, shape: [1, 3, 4, 5], size: [6, 8], alignCorners: false, halfPixel: true),
    resizeCase("resize_half_pixel_down", seed: 42, shape: [1, 7, 5, 3], size: [3, 4], alignCorners: false, halfPixel: true),
    resizeCase("resize_align_corners", seed: 43, shape: [1, 3, 3, 2], size: [7, 5], alignCorners: true, halfPixel: false),
    resizeCase("resize_plain", seed: 44, shape: [2, 5, 5, 3], size: [3, 7], alignCorners: false, halfPixel: false),
]

// MARK: - Add

private func additionCase(_ name: String, seed: UInt64, shapeA: [Int], shapeB: [Int], outputShape: [Int],
                          activation: FusedActivation, scales: (Float, Float, Float)) -> OperatorCase {
    var random = DeterministicRandom(seed: seed)
    var b = ModelBuilder()
    let x = b.input("a", .int8, shapeA, scale: scales.0, zeroPoint: -11)
    let z = b.input("b", .int8, shapeB, scale: scales.1, zeroPoint: 17)
    let y = b.tensor("y", .int8, outputShape, scale: scales.2, zeroPoint: -2)
    b.op(.add, version: 2, [x, z], [y], .add(AddOptions(activation: activation)))
    b.output(y)
    return OperatorCase(name: name, model: b.build(),
                        inputs: [random.bytes(shapeA.reduce(1, *)), random.bytes(shapeB.reduce(1, *))])
}

private let additionCases: [OperatorCase] = [
    additionCase("add_same_shape", seed: 51, shapeA: [1, 4, 5, 6], shapeB: [1, 4, 5, 6], outputShape: [1, 4, 5, 6],
                 activation: .none, scales: (0.05, 0.11, 0.13)),
    additionCase("add_relu6", seed: 52, shapeA: [1, 3, 3, 8], shapeB: [1, 3, 3, 8], outputShape: [1, 3, 3, 8],
                 activation: .relu6, scales: (0.02, 0.03, 0.025)),
    additionCase("add_broadcast", seed: 53, shapeA: [1, 4, 4, 6], shapeB: [1, 1, 1, 6], outputShape: [1, 4, 4, 6],
                 activation: .none, scales: (0.07, 0.04, 0.09)),
]

// MARK: - Softmax

private func softmaxCase(_ name: String, seed: UInt64, shape: [Int], inputScale: Float, beta: Float) -> OperatorCase {
    var random = DeterministicRandom(seed: seed)
    var b = ModelBuilder()
    let x = b.input("x", .int8, shape, scale: inputScale, zeroPoint: -3)
    let y = b.tensor("y", .int8, shape, scale: 1.0 / 256, zeroPoint: -128)
    b.op(.softmax, version: 2, [x], [y], .softmax(beta: beta))
    b.output(y)
    return OperatorCase(name: name, model: b.build(), inputs: [random.bytes(shape.reduce(1, *))])
}

private let softmaxCases: [OperatorCase] = [
    softmaxCase("softmax_two_classes", seed: 61, shape: [1, 64, 2], inputScale: 0.084, beta: 1),
    softmaxCase("softmax_seven_classes", seed: 62, shape: [2, 3, 7], inputScale: 0.3, beta: 1),
    softmaxCase("softmax_beta", seed: 63, shape: [1, 20, 5], inputScale: 0.05, beta: 0.7),
]

// MARK: - Quantize, dequantize

private func quantizeCase(_ name: String, seed: UInt64, input: (TensorType, Float?, Int64), output: (TensorType, Float, Int64),
                          shape: [Int] = [1, 5, 7, 3], floats: [Float]? = nil) -> OperatorCase {
    var random = DeterministicRandom(seed: seed)
    var b = ModelBuilder()
    let x = b.input("x", input.0, shape, scale: input.1, zeroPoint: input.2)
    let y = b.tensor("y", output.0, shape, scale: output.1, zeroPoint: output.2)
    b.op(.quantize, [x], [y], .quantize)
    b.output(y)
    let count = shape.reduce(1, *)
    let data = input.0 == .float32 ? littleEndianBytes((floats ?? random.floats(count, in: -4...4)).map(\.bitPattern)) : random.bytes(count)
    return OperatorCase(name: name, model: b.build(), inputs: [data])
}

private func dequantizeCase(_ name: String, seed: UInt64, type: TensorType, shape: [Int], scale: Float, zeroPoint: Int64) -> OperatorCase {
    var random = DeterministicRandom(seed: seed)
    var b = ModelBuilder()
    let x = b.input("x", type, shape, scale: scale, zeroPoint: zeroPoint)
    let y = b.tensor("y", .float32, shape)
    b.op(.dequantize, version: 2, [x], [y], .dequantize)
    b.output(y)
    return OperatorCase(name: name, model: b.build(), inputs: [random.bytes(shape.reduce(1, *))])
}

private let quantizationCases: [OperatorCase] = [
    quantizeCase("quantize_uint8_to_int8", seed: 71, input: (.uint8, 1 / 127.5, 127), output: (.int8, 1 / 127.5, -1)),
    quantizeCase("quantize_int8_rescale_down", seed: 72, input: (.int8, 0.0233, -9), output: (.int8, 0.0317, 12)),
    quantizeCase("quantize_int8_rescale_up", seed: 73, input: (.int8, 0.09, 3), output: (.int8, 0.021, -5)),
    quantizeCase("quantize_int8_rescale_ties", seed: 79, input: (.int8, 0.02, -9), output: (.int8, 0.05, 3),
                 shape: [1, 9, 9, 8]),
    quantizeCase("quantize_int8_rescale_quarter", seed: 80, input: (.int8, 0.01, 7), output: (.int8, 0.04, -2),
                 shape: [3, 41]),
    quantizeCase("quantize_int8_to_uint8", seed: 74, input: (.int8, 0.05, -4), output: (.uint8, 0.05, 124)),
    quantizeCase("quantize_float_to_int8", seed: 75, input: (.float32, nil, 0), output: (.int8, 0.031, -6)),
    // The model zoo's rescaled pixels p / 127.5 - 1 fall on ties of 2/255 steps: blocks of 8 and a tail of 7.
    quantizeCase("quantize_float_pixel_ties_int8", seed: 81, input: (.float32, nil, 0), output: (.int8, Float(2.0 / 255), -1),
                 shape: [1, 85, 3], floats: (0..<255).map { Float(Double($0) / 127.5 - 1) }),
    quantizeCase("quantize_float_pixel_ties_uint8", seed: 82, input: (.float32, nil, 0), output: (.uint8, Float(2.0 / 255), 127),
                 shape: [1, 85, 3], floats: (0..<255).map { Float(Double($0) / 127.5 - 1) }),
    dequantizeCase("dequantize_tail_only", seed: 76, type: .int8, shape: [5], scale: 0.0096755, zeroPoint: -25),
    dequantizeCase("dequantize_blocks_and_tail", seed: 77, type: .int8, shape: [1, 37, 10], scale: 0.0096755, zeroPoint: -25),
    dequantizeCase("dequantize_uint8", seed: 78, type: .uint8, shape: [1, 4, 4], scale: 0.0123, zeroPoint: 131),
]

// MARK: - Float32 versions

private let floatCases: [OperatorCase] = {
    var random = DeterministicRandom(seed: 81)
    var b = ModelBuilder()
    let x = b.input("x", .float32, [1, 8, 8, 3])
    let w1 = b.constant("w1", float: random.floats(8 * 3 * 3 * 3, in: -0.5...0.5), shape: [8, 3, 3, 3])
    let b1 = b.constant("b1", float: random.floats(8, in: -0.2...0.2), shape: [8])
    let c1 = b.tensor("c1", .float32, [1, 4, 4, 8])
    b.op(.conv2D, [x, w1, b1], [c1], .conv2D(Conv2DOptions(padding: .same, strideWidth: 2, strideHeight: 2, activation: .relu6)))
    let paddings = b.constant("paddings", int32: [0, 0, 0, 1, 0, 1, 0, 0], shape: [4, 2])
    let p1 = b.tensor("p1", .float32, [1, 5, 5, 8])
    b.op(.pad, [c1, paddings], [p1], .pad)
    let w2 = b.constant("w2", float: random.floats(3 * 3 * 8, in: -0.5...0.5), shape: [1, 3, 3, 8])
    let b2 = b.constant("b2", float: random.floats(8, in: -0.2...0.2), shape: [8])
    let d1 = b.tensor("d1", .float32, [1, 2, 2, 8])
    b.op(.depthwiseConv2D, [p1, w2, b2], [d1], .depthwiseConv2D(DepthwiseConv2DOptions(
        padding: .valid, strideWidth: 2, strideHeight: 2, depthMultiplier: 1, activation: .none)))
    let size = b.constant("size", int32: [4, 4])
    let u1 = b.tensor("u1", .float32, [1, 4, 4, 8])
    b.op(.resizeBilinear, [d1, size], [u1], .resizeBilinear(ResizeBilinearOptions(halfPixelCenters: true)))
    let s1 = b.tensor("s1", .float32, [1, 4, 4, 8])
    b.op(.add, [u1, c1], [s1], .add(AddOptions(activation: .relu)))
    let axis = b.constant("axis", int32: [1, 2])
    let m1 = b.tensor("m1", .float32, [1, 8])
    b.op(.mean, [s1, axis], [m1], .reducer(keepDims: false))
    let shape = b.constant("shape", int32: [1, 4, 2])
    let r1 = b.tensor("r1", .float32, [1, 4, 2])
    b.op(.reshape, [m1, shape], [r1])
    let softmax = b.tensor("softmax", .float32, [1, 4, 2])
    b.op(.softmax, [r1], [softmax], .softmax(beta: 1.5))
    let joined = b.tensor("joined", .float32, [1, 4, 4])
    b.op(.concatenation, [softmax, r1], [joined], .concatenation(ConcatenationOptions(axis: 2)))
    b.output(joined)
    b.output(s1)
    let input = littleEndianBytes(random.floats(8 * 8 * 3, in: -2...2).map(\.bitPattern))
    return [OperatorCase(name: "float_chain", model: b.build(), inputs: [input], floatTolerance: 1e-5),
            resizeCase("resize_float_half_pixel", seed: 82, shape: [1, 3, 5, 2], size: [6, 9], alignCorners: false,
                       halfPixel: true, type: .float32),
            resizeCase("resize_float_align_corners", seed: 83, shape: [1, 4, 3, 2], size: [7, 5], alignCorners: true,
                       halfPixel: false, type: .float32)]
}()
