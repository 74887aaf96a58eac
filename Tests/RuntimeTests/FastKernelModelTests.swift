import Foundation
import Int8Kernels
import Testing
import TestSupport
import TFLiteFormat
@testable import Runtime

/// The fast kernels on every CONV_2D, DEPTHWISE_CONV_2D, integer QUANTIZE and ADD of the reference
/// models, fed the astronaut run's own tensors: each must reproduce the tensor the reference
/// kernels wrote (which `GoldenTests` checks against LiteRT), with the rows split in two.
@Suite struct FastKernelModelTests {
    /// The interpreter after the astronaut run, or nil when the fixtures are absent.
    static func astronautRun(size: Int) throws -> Interpreter? {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return nil }
        let interpreter = try Interpreter(model: TFLiteModel(bytes: bytes))
        let directory = Fixtures.goldenDirectory(size: size)
        try interpreter.setInput([UInt8](Data(contentsOf: directory.appendingPathComponent("image_astronaut.input.u8"))))
        interpreter.invoke()
        return interpreter
    }

    static func data(_ interpreter: Interpreter, _ index: Int32) throws -> UnsafeRawBufferPointer {
        try #require(try interpreter.tensorData(Int(index)))
    }

    /// Geometry and per-channel requantization as the runtime derives them for a convolution.
    struct Layer {
        var geometry: ConvolutionGeometry
        var depthMultiplier: Int
        var multipliers: [Int32] = []
        var shifts: [Int32] = []
        var inputOffset: Int32
        var outputZeroPoint: Int32
        var activation: (Int32, Int32)

        init(_ interpreter: Interpreter, _ op: TFLiteFormat.Operator) throws {
            let input = interpreter.tensors[Int(op.inputs[0])]
            let filter = interpreter.tensors[Int(op.inputs[1])]
            let output = interpreter.tensors[Int(op.outputs[0])]
            let padding: Padding, stride: (Int, Int), dilation: (Int, Int), fused: FusedActivation
            switch op.options {
            case .conv2D(let o):
                (padding, stride, dilation, fused) = (o.padding, (Int(o.strideHeight), Int(o.strideWidth)),
                                                      (Int(o.dilationHeight), Int(o.dilationWidth)), o.activation)
                depthMultiplier = 0
            case .depthwiseConv2D(let o):
                (padding, stride, dilation, fused) = (o.padding, (Int(o.strideHeight), Int(o.strideWidth)),
                                                      (Int(o.dilationHeight), Int(o.dilationWidth)), o.activation)
                depthMultiplier = filter.shape[3] / input.shape[3]
            default:
                throw RuntimeError.invalidOperator(operatorIndex: 0, name: "test", reason: "not a convolution")
            }
            let channels = output.shape[3]
            let vertical = convolutionExtent(input: input.shape[1], filter: filter.shape[1], stride: stride.0,
                                             dilation: dilation.0, padding: padding)
            let horizontal = convolutionExtent(input: input.shape[2], filter: filter.shape[2], stride: stride.1,
                                               dilation: dilation.1, padding: padding)
            geometry = ConvolutionGeometry(
                batches: input.shape[0], inputHeight: input.shape[1], inputWidth: input.shape[2],
                inputChannels: input.shape[3], outputHeight: vertical.output, outputWidth: horizontal.output,
                outputChannels: channels, filterHeight: filter.shape[1], filterWidth: filter.shape[2],
                strideHeight: stride.0, strideWidth: stride.1, dilationHeight: dilation.0, dilationWidth: dilation.1,
                padTop: vertical.padBefore, padLeft: horizontal.padBefore)
            let inputQ = try #require(input.quantization), filterQ = try #require(filter.quantization)
            let outputQ = try #require(output.quantization)
            for c in 0..<channels {
                let filterScale = Double(filterQ.scales.count == 1 ? filterQ.scales[0] : filterQ.scales[c])
                let m = QuantizedMultiplier(Double(inputQ.scale) * filterScale / Double(outputQ.scale))
                multipliers.append(m.multiplier)
                shifts.append(m.shift)
            }
            inputOffset = -inputQ.zeroPoint
            outputZeroPoint = outputQ.zeroPoint
            activation = try #require(activationRange(fused, scale: outputQ.scale, zeroPoint: outputQ.zeroPoint,
                                                      type: output.type))
        }

        func withRequantization<R>(_ body: (ChannelRequantization) -> R) -> R {
            multipliers.withUnsafeBufferPointer { m in
                shifts.withUnsafeBufferPointer { s in
                    body(ChannelRequantization(inputOffset: inputOffset, outputZeroPoint: outputZeroPoint,
                                               multipliers: m.baseAddress!, shifts: s.baseAddress!,
                                               activationMin: activation.0, activationMax: activation.1))
                }
            }
        }
    }

    @Test(arguments: Fixtures.modelSizes)
    func fastKernelsReproduceEveryLayer(size: Int) throws {
        guard let interpreter = try Self.astronautRun(size: size) else { return }
        let model = interpreter.model
        var checked = 0
        for (index, op) in model.subgraphs[0].operators.enumerated() {
            let code = model.operatorCodes[Int(op.opcodeIndex)].builtinCode
            let expected = try Self.data(interpreter, op.outputs[0])
            var actual = [UInt8](repeating: 0, count: expected.count)
            switch code {
            case .conv2D, .depthwiseConv2D:
                let layer = try Layer(interpreter, op)
                let input = try Self.data(interpreter, op.inputs[0]).assumingMemoryBound(to: Int8.self).baseAddress!
                let filter = try Self.data(interpreter, op.inputs[1]).assumingMemoryBound(to: Int8.self).baseAddress!
                let bias = op.inputs.count > 2 && op.inputs[2] >= 0
                    ? try Self.data(interpreter, op.inputs[2]).assumingMemoryBound(to: Int32.self).baseAddress : nil
                let rows = layer.geometry.batches * layer.geometry.outputHeight
                let pieces = [0..<rows / 3, rows / 3..<rows]
                actual.withUnsafeMutableBytes { raw in
                    let output = raw.assumingMemoryBound(to: Int8.self).baseAddress!
                    layer.withRequantization { q in
                        if code == .conv2D {
                            let packed = PackedConvolution(layer.geometry, q, filter: filter, bias: bias)
                            let scratch = UnsafeMutableRawPointer.allocate(byteCount: packed.scratchByteCount, alignment: 16)
                            defer { scratch.deallocate() }
                            for piece in pieces {
                                convolutionInt8Fast(packed, input: input, output: output, rows: piece, scratch: scratch)
                            }
                        } else {
                            let packed = PackedDepthwiseConvolution(layer.geometry, depthMultiplier: layer.depthMultiplier,
                                                                    q, filter: filter, bias: bias)
                            let scratch = UnsafeMutableRawPointer.allocate(byteCount: packed.scratchByteCount, alignment: 16)
                            defer { scratch.deallocate() }
                            for piece in pieces {
                                depthwiseConvolutionInt8Fast(packed, input: input, output: output, rows: piece,
                                                             scratch: scratch)
                            }
                        }
                    }
                }
            case .quantize:
                let inputInfo = interpreter.tensors[Int(op.inputs[0])]
                let outputInfo = interpreter.tensors[Int(op.outputs[0])]
                guard inputInfo.type == .uint8 || inputInfo.type == .int8 else { continue }
                let inputQ = try #require(inputInfo.quantization), outputQ = try #require(outputInfo.quantization)
                let m = QuantizedMultiplier(Double(inputQ.scale) / Double(outputQ.scale))
                let raw = try Self.data(interpreter, op.inputs[0])
                let count = inputInfo.elementCount
                let pieces = [0..<count / 3, count / 3..<count]
                actual.withUnsafeMutableBytes { out in
                    for piece in pieces {
                        switch (inputInfo.type, outputInfo.type) {
                        case (.uint8, .int8):
                            requantizeFast(elements: piece, count: count, inputZeroPoint: inputQ.zeroPoint,
                                           outputZeroPoint: outputQ.zeroPoint, multiplier: m.multiplier, shift: m.shift,
                                           input: raw.assumingMemoryBound(to: UInt8.self).baseAddress!,
                                           output: out.assumingMemoryBound(to: Int8.self).baseAddress!)
                        case (.int8, .uint8):
                            requantizeFast(elements: piece, count: count, inputZeroPoint: inputQ.zeroPoint,
                                           outputZeroPoint: outputQ.zeroPoint, multiplier: m.multiplier, shift: m.shift,
                                           input: raw.assumingMemoryBound(to: Int8.self).baseAddress!,
                                           output: out.assumingMemoryBound(to: UInt8.self).baseAddress!)
                        case (.uint8, _):
                            requantizeFast(elements: piece, count: count, inputZeroPoint: inputQ.zeroPoint,
                                           outputZeroPoint: outputQ.zeroPoint, multiplier: m.multiplier, shift: m.shift,
                                           input: raw.assumingMemoryBound(to: UInt8.self).baseAddress!,
                                           output: out.assumingMemoryBound(to: UInt8.self).baseAddress!)
                        default:
                            requantizeFast(elements: piece, count: count, inputZeroPoint: inputQ.zeroPoint,
                                           outputZeroPoint: outputQ.zeroPoint, multiplier: m.multiplier, shift: m.shift,
                                           input: raw.assumingMemoryBound(to: Int8.self).baseAddress!,
                                           output: out.assumingMemoryBound(to: Int8.self).baseAddress!)
                        }
                    }
                }
            case .add:
                let a = interpreter.tensors[Int(op.inputs[0])], b = interpreter.tensors[Int(op.inputs[1])]
                let output = interpreter.tensors[Int(op.outputs[0])]
                guard a.type == .int8, a.shape == b.shape, case .add(let options) = op.options else { continue }
                let qa = try #require(a.quantization), qb = try #require(b.quantization)
                let qo = try #require(output.quantization)
                // As prepareAdd: both inputs rescaled to twice the larger input scale, 20 bits up.
                let twiceMaxInputScale = Double(2 * max(qa.scale, qb.scale))
                let ma = QuantizedMultiplier(Double(qa.scale) / twiceMaxInputScale)
                let mb = QuantizedMultiplier(Double(qb.scale) / twiceMaxInputScale)
                let mo = QuantizedMultiplier(twiceMaxInputScale / Double(Float(1 << 20) * qo.scale))
                let (low, high) = try #require(activationRange(options.activation, scale: qo.scale,
                                                               zeroPoint: qo.zeroPoint, type: .int8))
                let q = AdditionQuantization(
                    inputOffsetA: -qa.zeroPoint, inputOffsetB: -qb.zeroPoint, leftShift: 20, multiplierA: ma.multiplier,
                    shiftA: ma.shift, multiplierB: mb.multiplier, shiftB: mb.shift, outputMultiplier: mo.multiplier,
                    outputShift: mo.shift, outputZeroPoint: qo.zeroPoint, activationMin: low, activationMax: high)
                let x = try Self.data(interpreter, op.inputs[0]).assumingMemoryBound(to: Int8.self).baseAddress!
                let y = try Self.data(interpreter, op.inputs[1]).assumingMemoryBound(to: Int8.self).baseAddress!
                let count = a.elementCount
                actual.withUnsafeMutableBytes { out in
                    for piece in [0..<count / 3, count / 3..<count] {
                        addInt8Fast(elements: piece, q, a: x, b: y, output: out.assumingMemoryBound(to: Int8.self).baseAddress!)
                    }
                }
            default:
                continue
            }
            let differing = zip(actual, expected).filter { $0 != $1 }.count
            #expect(differing == 0, "\(size) operator \(index) \(code): \(differing) of \(expected.count) bytes differ")
            checked += 1
        }
        #expect(checked >= 52, "only \(checked) operators checked")
    }
}
