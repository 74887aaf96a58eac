import Testing
import TestSupport
import TFLiteFormat
import Int8Kernels
@testable import Runtime

/// Float32 convolutions with constant filters run the fast float kernels (PAD absorbed, the
/// pointwise step in place, threads splitting rows) and stay within `1e-5 * max(1, |reference|)`
/// of the reference kernels; run-time filters keep the reference.
@Suite struct FloatConvolutionTests {
    static func floatBytes(_ values: [Float]) -> [UInt8] { littleEndianBytes(values.map(\.bitPattern)) }

    static func floats(_ bytes: UnsafeRawBufferPointer) -> [Float] { Array(bytes.bindMemory(to: Float.self)) }

    static func maximumRelativeError(_ a: [Float], _ reference: [Float]) -> Float {
        zip(a, reference).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    }

    /// CONV 1x1 5 -> 24, ReLU -> PAD (bottom, right) -> DEPTHWISE 3x3 stride 2 VALID, ReLU6 ->
    /// CONV 3x3 SAME 24 -> 20: the model's layer kinds, checked against the reference kernels.
    @Test func constantFiltersRunTheFastKernels() throws {
        var random = DeterministicRandom(seed: 31)
        let input = random.floats(13 * 12 * 5, in: -1...1)
        let pointwiseFilter = random.floats(24 * 5, in: -1...1), pointwiseBias = random.floats(24, in: -1...1)
        let depthwiseFilter = random.floats(9 * 24, in: -1...1), depthwiseBias = random.floats(24, in: -1...1)
        let headFilter = random.floats(20 * 9 * 24, in: -0.3...0.3), headBias = random.floats(20, in: -1...1)

        var b = ModelBuilder()
        let x = b.input("x", .float32, [1, 13, 12, 5])
        let pwFilter = b.constant("pw_filter", float: pointwiseFilter, shape: [24, 1, 1, 5])
        let pwBias = b.constant("pw_bias", float: pointwiseBias, shape: [24])
        let pw = b.tensor("pw", .float32, [1, 13, 12, 24])
        b.op(.conv2D, version: 1, [x, pwFilter, pwBias], [pw], .conv2D(Conv2DOptions(
            padding: .same, strideWidth: 1, strideHeight: 1, activation: .relu)))
        let paddings = b.constant("paddings", int32: [0, 0, 0, 1, 0, 1, 0, 0], shape: [4, 2])
        let padded = b.tensor("padded", .float32, [1, 14, 13, 24])
        b.op(.pad, version: 1, [pw, paddings], [padded], .pad)
        let dwFilter = b.constant("dw_filter", float: depthwiseFilter, shape: [1, 3, 3, 24])
        let dwBias = b.constant("dw_bias", float: depthwiseBias, shape: [24])
        let dw = b.tensor("dw", .float32, [1, 6, 6, 24])
        b.op(.depthwiseConv2D, version: 1, [padded, dwFilter, dwBias], [dw], .depthwiseConv2D(DepthwiseConv2DOptions(
            padding: .valid, strideWidth: 2, strideHeight: 2, depthMultiplier: 1, activation: .relu6)))
        let hFilter = b.constant("head_filter", float: headFilter, shape: [20, 3, 3, 24])
        let hBias = b.constant("head_bias", float: headBias, shape: [20])
        let y = b.tensor("y", .float32, [1, 6, 6, 20])
        b.op(.conv2D, version: 1, [dw, hFilter, hBias], [y], .conv2D(Conv2DOptions(
            padding: .same, strideWidth: 1, strideHeight: 1, activation: .none)))
        b.output(y)
        let model = b.build()

        // The same chain through the reference kernels, the PAD done explicitly.
        func geometry(_ h: Int, _ w: Int, _ c: Int, _ oh: Int, _ ow: Int, _ oc: Int, _ f: Int, _ s: Int, _ p: Int) -> ConvolutionGeometry {
            ConvolutionGeometry(batches: 1, inputHeight: h, inputWidth: w, inputChannels: c, outputHeight: oh, outputWidth: ow,
                                outputChannels: oc, filterHeight: f, filterWidth: f, strideHeight: s, strideWidth: s,
                                padTop: p, padLeft: p)
        }
        var pwOut = [Float](repeating: 0, count: 13 * 12 * 24)
        convolutionFloatReference(geometry(13, 12, 5, 13, 12, 24, 1, 1, 0), input: input, filter: pointwiseFilter,
                                  bias: pointwiseBias, activationMin: 0, activationMax: .infinity, output: &pwOut)
        var paddedOut = [Float](repeating: 0, count: 14 * 13 * 24)
        for row in 0..<13 { for column in 0..<12 { for c in 0..<24 {
            paddedOut[(row * 13 + column) * 24 + c] = pwOut[(row * 12 + column) * 24 + c]
        } } }
        var dwOut = [Float](repeating: 0, count: 6 * 6 * 24)
        depthwiseConvolutionFloatReference(geometry(14, 13, 24, 6, 6, 24, 3, 2, 0), depthMultiplier: 1, input: paddedOut,
                                           filter: depthwiseFilter, bias: depthwiseBias, activationMin: 0, activationMax: 6,
                                           output: &dwOut)
        var expected = [Float](repeating: 0, count: 6 * 6 * 20)
        convolutionFloatReference(geometry(6, 6, 24, 6, 6, 20, 3, 1, 1), input: dwOut, filter: headFilter, bias: headBias,
                                  activationMin: -.infinity, activationMax: .infinity, output: &expected)

        var outputs: [[Float]] = []
        for threads in [1, 2, 3] {
            let interpreter = try Interpreter(model: model, options: Interpreter.Options(threads: threads))
            #expect(!interpreter.steps.contains { $0.code == .pad }, "the PAD is absorbed")
            #expect(interpreter.steps.count == 3)
            for step in interpreter.steps {
                let fast = (step.kernel as? ConvolutionStep)?.fast ?? (step.kernel as? PointwiseConvolutionStep)?.fast
                #expect(fast != nil, "\(step.code) runs a fast kernel")
            }
            if threads == 1 {
                #expect(interpreter.plan.inPlaceSteps.map { interpreter.steps[$0].code } == [.conv2D], "the 1x1 runs in place")
            }
            try interpreter.setInput(Self.floatBytes(input))
            interpreter.invoke()
            outputs.append(Self.floats(interpreter.output()))
        }
        let error = Self.maximumRelativeError(outputs[0], expected)
        #expect(error <= 1e-5, "relative error \(error)")
        #expect(outputs[1] == outputs[0] && outputs[2] == outputs[0], "threads change nothing")
    }

    /// A filter computed at run time (here a graph input) keeps the reference kernel.
    @Test func runTimeFilterKeepsTheReference() throws {
        var random = DeterministicRandom(seed: 32)
        let input = random.floats(5 * 5 * 3, in: -1...1), filter = random.floats(4 * 9 * 3, in: -1...1)
        var b = ModelBuilder()
        let x = b.input("x", .float32, [1, 5, 5, 3])
        let w = b.input("w", .float32, [4, 3, 3, 3])
        let y = b.tensor("y", .float32, [1, 5, 5, 4])
        b.op(.conv2D, version: 1, [x, w, -1], [y], .conv2D(Conv2DOptions(
            padding: .same, strideWidth: 1, strideHeight: 1, activation: .relu6)))
        b.output(y)
        let interpreter = try Interpreter(model: b.build())
        #expect((interpreter.steps[0].kernel as? ConvolutionStep)?.fast == nil)
        try interpreter.setInput(Self.floatBytes(input), index: 0)
        try interpreter.setInput(Self.floatBytes(filter), index: 1)
        interpreter.invoke()
        var expected = [Float](repeating: 0, count: 5 * 5 * 4)
        convolutionFloatReference(
            ConvolutionGeometry(batches: 1, inputHeight: 5, inputWidth: 5, inputChannels: 3, outputHeight: 5, outputWidth: 5,
                                outputChannels: 4, filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1,
                                padTop: 1, padLeft: 1),
            input: input, filter: filter, bias: nil, activationMin: 0, activationMax: 6, output: &expected)
        #expect(Self.floats(interpreter.output()) == expected)
    }
}
