import Detection
import Foundation
import TestSupport
import TFLiteFormat
import Testing
@testable import Training

/// The network built from the architecture alone, given the reference int8 model's weights
/// (batch norm folded into them, so ours is made the identity), must compute what that model
/// computes, up to its int8 rounding. This checks the structure the parameter count cannot:
/// paddings, strides, taps, top-down merges, upsampling convention, head order, anchor order.
@Suite struct NetworkReferenceModelTests {
    /// A convolution of the reference model: its kind, kernel side, channels and output side.
    struct Signature: Hashable {
        var depthwise: Bool
        var kernel: Int
        var inputChannels: Int
        var outputChannels: Int
        var outputSide: Int
    }

    struct ReferenceConvolution {
        var kernel: [Float]   // dequantized, in the file's layout
        var bias: [Float]
        var relu6: Bool
    }

    static func int8s(_ buffer: Buffer) -> [Int8] { buffer.data.map { Int8(bitPattern: $0) } }
    static func int32s(_ buffer: Buffer) -> [Int32] {
        let bytes = Array(buffer.data)
        return stride(from: 0, to: bytes.count, by: 4).map { i in
            Int32(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
    }

    /// The model's convolutions by signature, in file order within each signature.
    static func referenceConvolutions(_ model: TFLiteModel) -> [Signature: [ReferenceConvolution]] {
        let graph = model.subgraphs[0]
        var result: [Signature: [ReferenceConvolution]] = [:]
        for op in graph.operators {
            let code = model.operatorCodes[Int(op.opcodeIndex)].builtinCode
            guard code == .conv2D || code == .depthwiseConv2D else { continue }
            let filter = graph.tensors[Int(op.inputs[1])], bias = graph.tensors[Int(op.inputs[2])]
            let output = graph.tensors[Int(op.outputs[0])]
            let scales = filter.quantization!.scale, biasScales = bias.quantization!.scale
            let depthwise = code == .depthwiseConv2D
            let channels = Int(depthwise ? filter.shape[3] : filter.shape[0])
            let quantized = int8s(model.buffers[Int(filter.buffer)])
            let perChannel = quantized.count / channels
            let kernel = quantized.indices.map { index -> Float in
                let channel = depthwise ? index % channels : index / perChannel
                return Float(quantized[index]) * scales[scales.count == 1 ? 0 : channel]
            }
            let biasValues = int32s(model.buffers[Int(bias.buffer)]).enumerated().map { c, value in
                Float(value) * biasScales[biasScales.count == 1 ? 0 : c]
            }
            let relu6: Bool
            switch op.options {
            case .conv2D(let options): relu6 = options.activation == .relu6
            case .depthwiseConv2D(let options): relu6 = options.activation == .relu6
            default: relu6 = false
            }
            let signature = Signature(depthwise: depthwise, kernel: Int(filter.shape[1]),
                                      inputChannels: Int(depthwise ? filter.shape[3] : filter.shape[3]),
                                      outputChannels: channels, outputSide: Int(output.shape[1]))
            result[signature, default: []].append(ReferenceConvolution(kernel: kernel, bias: biasValues, relu6: relu6))
        }
        return result
    }

    /// Copies the reference weights into `network`; returns how many layers were loaded.
    static func load(_ model: TFLiteModel, into network: SSDNetwork) -> Int {
        var available = referenceConvolutions(model)
        let parameters = network.parameters.baseAddress!, moving = network.movingStatistics.baseAddress!
        var loaded = 0
        var convolutions: [(Signature, Int, BatchNormalization)] = []
        for layer in network.engine.layers {
            switch layer {
            case let block as PointwiseBlock:
                convolutions.append((Signature(depthwise: false, kernel: 1, inputChannels: block.input.channels,
                                               outputChannels: block.output.channels, outputSide: block.output.height),
                                     block.kernel, block.normalization))
            case let block as ConvolutionBlock:
                for branch in block.branches {
                    convolutions.append((Signature(depthwise: false, kernel: branch.shape.kernelSize,
                                                   inputChannels: block.input.channels, outputChannels: branch.output.channels,
                                                   outputSide: branch.output.height),
                                         branch.kernel, branch.normalization))
                }
            case let block as DepthwiseBlock:
                convolutions.append((Signature(depthwise: true, kernel: 3, inputChannels: block.input.channels,
                                               outputChannels: block.output.channels, outputSide: block.output.height),
                                     block.kernel, block.normalization))
            default:
                continue
            }
        }
        for (signature, kernelOffset, normalization) in convolutions {
            guard var candidates = available[signature], !candidates.isEmpty else {
                Issue.record("no reference convolution for \(signature)")
                continue
            }
            let reference = candidates.removeFirst()
            available[signature] = candidates
            #expect(reference.relu6 == normalization.relu6, "activation of \(signature)")
            let cout = signature.outputChannels, cin = signature.inputChannels, k = signature.kernel
            for index in reference.kernel.indices {
                if signature.depthwise {
                    parameters[kernelOffset + index] = reference.kernel[index]
                } else {
                    // [Cout, kh, kw, Cin] -> [kh, kw, Cin, Cout]
                    let o = index / (k * k * cin), rest = index % (k * k * cin)
                    parameters[kernelOffset + rest * cout + o] = reference.kernel[index]
                }
            }
            for c in 0..<cout {
                parameters[normalization.gamma + c] = 1
                moving[normalization.movingMean + c] = 0
                moving[normalization.movingVariance + c] = Float(1 - BatchNormalization.epsilon)
                if let bias = normalization.bias {
                    parameters[bias + c] = reference.bias[c]
                    parameters[normalization.beta + c] = 0
                } else {
                    parameters[normalization.beta + c] = reference.bias[c]
                }
            }
            loaded += 1
        }
        let leftOver = available.values.reduce(0) { $0 + $1.count }
        #expect(leftOver == 0, "reference convolutions left over")
        return loaded
    }

    @Test(arguments: Fixtures.modelSizes)
    func floatNetworkComputesTheReferenceModel(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size),
              let input = try Fixtures.bytes(Fixtures.goldenDirectory(size: size).appendingPathComponent("image_astronaut.input.u8")),
              let golden = try Fixtures.bytes(Fixtures.goldenDirectory(size: size).appendingPathComponent("image_astronaut.output.f32"))
        else { return }
        let model = try TFLiteModel(bytes: bytes)
        let architecture = try SSDArchitecture(inputSize: size, classCount: 1)
        let network = SSDNetwork(architecture: architecture, maxBatch: 2, threads: 2, seed: 3)
        let normalizations = network.engine.layers.reduce(0) { $0 + (($1 as? NormalizedLayer)?.normalizations.count ?? 0) }
        #expect(Self.load(model, into: network) == normalizations)

        // The model's uint8 input means (q - 127) / 127.5; a second image checks per-image output placement.
        let image = input.map { (Float($0) - 127) / 127.5 }
        let images = image + image.reversed()
        try images.withUnsafeBufferPointer { try network.forward(images: $0, batch: 2, training: false) }
        let expected: [Float] = stride(from: 0, to: golden.count, by: 4).map { i in
            Float(bitPattern: UInt32(golden[i]) | UInt32(golden[i + 1]) << 8 | UInt32(golden[i + 2]) << 16 | UInt32(golden[i + 3]) << 24)
        }
        let anchors = architecture.anchorCount, logits = network.classLogits, boxes = network.boxOffsets
        var scoreError = 0.0, worstScore = 0.0, boxError = 0.0, worstBox = 0.0
        for anchor in 0..<anchors {
            let background = Double(logits[2 * anchor]), person = Double(logits[2 * anchor + 1])
            let score = 1 / (1 + exp(background - person))
            let difference = abs(score - Double(expected[anchor * 10 + 1]))
            scoreError += difference
            worstScore = max(worstScore, difference)
            for k in 0..<4 {
                let boxDifference = abs(Double(boxes[anchor * 4 + k]) - Double(expected[anchor * 10 + 2 + k]))
                boxError += boxDifference
                worstBox = max(worstBox, boxDifference)
            }
        }
        // Measured: scores within 0.003 on average and 0.04 at worst, boxes within 0.007 and 0.057; a
        // pad on the wrong side or corner-aligned upsampling at least doubles one of these.
        #expect(scoreError / Double(anchors) < 0.004 && worstScore < 0.06, "score error \(scoreError / Double(anchors)), \(worstScore)")
        #expect(boxError / Double(4 * anchors) < 0.012 && worstBox < 0.08, "box error \(boxError / Double(4 * anchors)), \(worstBox)")

        // The second image of the batch must come out as it does alone, in its own rows.
        let firstLogits = Array(logits), firstBoxes = Array(boxes)
        let second = Array(image.reversed())
        try second.withUnsafeBufferPointer { try network.forward(images: $0, batch: 1, training: false) }
        EngineKernelTests.expectClose(Array(firstLogits[(2 * anchors)...]), Array(network.classLogits), tolerance: 1e-5)
        EngineKernelTests.expectClose(Array(firstBoxes[(4 * anchors)...]), Array(network.boxOffsets), tolerance: 1e-5)
    }
}
