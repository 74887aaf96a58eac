import Detection
import Foundation
import TFLiteFormat

/// The convolutions of an int8 (or float) `.tflite` of the model zoo's SSD, dequantized, ready to
/// go into the float network (`--init model.tflite`). The file's convolutions carry their batch
/// normalization folded in, so each becomes kernel and bias with identity statistics (gamma 1,
/// beta 0, mean 0, variance 1 - epsilon): in inference the float network then computes what the
/// file's float graph computes.
struct TFLiteWeights {
    /// What places a convolution in the graph: kind, kernel side, channels, output side.
    struct Signature: Hashable, CustomStringConvertible {
        var depthwise: Bool
        var kernel: Int
        var inputChannels: Int
        var outputChannels: Int
        var outputSide: Int

        var description: String {
            "\(depthwise ? "depthwise" : "conv") \(kernel)x\(kernel) \(inputChannels)->\(outputChannels) at \(outputSide)x\(outputSide)"
        }
    }

    /// One convolution of the file, kernel in Keras layout.
    struct Convolution {
        var kernel: [Float]
        var bias: [Float]
        var relu6: Bool
    }

    let path: String
    /// The architecture the file's shapes give: input side, classes from the output's columns,
    /// alpha from the first convolution's channels (32 x alpha).
    let architecture: SSDArchitecture
    /// By signature, in file order within each.
    private let convolutions: [Signature: [Convolution]]

    init(contentsOf path: String) throws(TrainingError) {
        let model: TFLiteModel
        do {
            model = try TFLiteModel(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        } catch let error as TFLiteFormatError {
            throw .incompatibleCheckpoint(path: path, reason: error.description)
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard let graph = model.subgraphs.first else { throw .incompatibleCheckpoint(path: path, reason: "it has no subgraph") }
        var convolutions: [Signature: [Convolution]] = [:]
        var firstChannels: Int?
        for op in graph.operators {
            guard Int(op.opcodeIndex) < model.operatorCodes.count else { continue }
            let code = model.operatorCodes[Int(op.opcodeIndex)].builtinCode
            guard code == .conv2D || code == .depthwiseConv2D else { continue }
            let (signature, convolution) = try Self.read(op, depthwise: code == .depthwiseConv2D, model, graph, path: path)
            convolutions[signature, default: []].append(convolution)
            firstChannels = firstChannels ?? signature.outputChannels
        }
        guard let input = graph.inputs.first.flatMap({ Self.tensor(graph, $0) }), input.shape.count == 4,
              let output = graph.outputs.first.flatMap({ Self.tensor(graph, $0) }), output.shape.count == 3,
              let firstChannels else {
            throw .incompatibleCheckpoint(path: path, reason: "it is not an SSD with one [1, side, side, 3] input and one [1, anchors, columns] output")
        }
        do {
            architecture = try SSDArchitecture(alpha: Double(firstChannels) / 32, inputSize: Int(input.shape[1]),
                                               classCount: Int(output.shape[2]) - 9)
        } catch {
            throw .incompatibleCheckpoint(path: path, reason: error.description)
        }
        self.path = path
        self.convolutions = convolutions
    }

    /// Writes every convolution into `network`, matched by signature in graph order; the file and
    /// the network must have exactly the same convolutions.
    func load(into network: SSDNetwork) throws(TrainingError) {
        var available = convolutions
        for (signature, kernel, normalization) in Self.convolutions(of: network) {
            guard var candidates = available[signature], !candidates.isEmpty else {
                throw .incompatibleCheckpoint(path: path, reason: "it has no \(signature) for \(network.architecture.summary)")
            }
            let convolution = candidates.removeFirst()
            available[signature] = candidates
            guard convolution.relu6 == normalization.relu6 else {
                throw .incompatibleCheckpoint(path: path, reason: "its \(signature) \(convolution.relu6 ? "has" : "lacks") ReLU6")
            }
            Self.set(convolution, kernel: kernel, normalization: normalization, network: network)
        }
        if let extra = available.first(where: { !$0.value.isEmpty }) {
            throw .incompatibleCheckpoint(path: path, reason: "its \(extra.key) has no place in \(network.architecture.summary)")
        }
    }

    /// The network's convolutions in graph order: signature, kernel offset, normalization.
    private static func convolutions(of network: SSDNetwork) -> [(Signature, Int, BatchNormalization)] {
        var result: [(Signature, Int, BatchNormalization)] = []
        for layer in network.engine.layers {
            switch layer {
            case let block as PointwiseBlock:
                result.append((Signature(depthwise: false, kernel: 1, inputChannels: block.input.channels,
                                         outputChannels: block.output.channels, outputSide: block.output.height),
                               block.kernel, block.normalization))
            case let block as ConvolutionBlock:
                for branch in block.branches {
                    result.append((Signature(depthwise: false, kernel: branch.shape.kernelSize, inputChannels: block.input.channels,
                                             outputChannels: branch.output.channels, outputSide: branch.output.height),
                                   branch.kernel, branch.normalization))
                }
            case let block as DepthwiseBlock:
                result.append((Signature(depthwise: true, kernel: 3, inputChannels: block.input.channels,
                                         outputChannels: block.output.channels, outputSide: block.output.height),
                               block.kernel, block.normalization))
            default:
                continue
            }
        }
        return result
    }

    /// The kernel, and the bias (the convolution's when it has one, else beta) with identity statistics.
    private static func set(_ convolution: Convolution, kernel: Int, normalization: BatchNormalization, network: SSDNetwork) {
        let parameters = network.parameters, moving = network.movingStatistics
        for (index, value) in convolution.kernel.enumerated() { parameters[kernel + index] = value }
        for c in 0..<normalization.channels {
            parameters[normalization.gamma + c] = 1
            moving[normalization.movingMean + c] = 0
            moving[normalization.movingVariance + c] = Float(1 - BatchNormalization.epsilon)
            if let bias = normalization.bias {
                parameters[bias + c] = convolution.bias[c]
                parameters[normalization.beta + c] = 0
            } else {
                parameters[normalization.beta + c] = convolution.bias[c]
            }
        }
    }

    private static func read(_ op: Operator, depthwise: Bool, _ model: TFLiteModel, _ graph: Subgraph,
                             path: String) throws(TrainingError) -> (Signature, Convolution) {
        guard op.inputs.count >= 3, op.outputs.count >= 1,
              let filter = tensor(graph, op.inputs[1]), let bias = tensor(graph, op.inputs[2]), let output = tensor(graph, op.outputs[0]),
              filter.shape.count == 4, output.shape.count == 4 else {
            throw .incompatibleCheckpoint(path: path, reason: "a convolution without a 4-D filter, a bias and an output")
        }
        let s = filter.shape.map(Int.init)
        let channels = depthwise ? s[3] : s[0]
        let values = try dequantize(filter, model, count: s.reduce(1, *), channels: channels, path: path)
        let biases = try dequantize(bias, model, count: channels, channels: channels, path: path)
        // TFLite stores [out, kh, kw, in] and depthwise [1, kh, kw, channels]; Keras [kh, kw, in, out] and [kh, kw, channels, 1].
        var kernel = values
        if !depthwise {
            let (o, patch) = (s[0], s[1] * s[2] * s[3])
            for oc in 0..<o { for p in 0..<patch { kernel[p * o + oc] = values[oc * patch + p] } }
        }
        let relu6: Bool
        switch op.options {
        case .conv2D(let options): relu6 = options.activation == .relu6
        case .depthwiseConv2D(let options): relu6 = options.activation == .relu6
        default: relu6 = false
        }
        let signature = Signature(depthwise: depthwise, kernel: s[1], inputChannels: s[3], outputChannels: channels,
                                  outputSide: Int(output.shape[1]))
        return (signature, Convolution(kernel: kernel, bias: biases, relu6: relu6))
    }

    private static func tensor(_ graph: Subgraph, _ index: Int32) -> Tensor? {
        index >= 0 && Int(index) < graph.tensors.count ? graph.tensors[Int(index)] : nil
    }

    /// Float values of a constant int8, int32 or float32 tensor; channel c uses scale c (or the only scale).
    private static func dequantize(_ tensor: Tensor, _ model: TFLiteModel, count: Int, channels: Int,
                                   path: String) throws(TrainingError) -> [Float] {
        let data = Int(tensor.buffer) < model.buffers.count ? model.buffers[Int(tensor.buffer)].data : []
        let width: Int
        switch tensor.type {
        case .int8: width = 1
        case .int32, .float32: width = 4
        default: throw .incompatibleCheckpoint(path: path, reason: "constant \(tensor.name) is \(tensor.type), not int8, int32 or float32")
        }
        guard data.count == count * width, channels > 0, count % channels == 0 else {
            throw .incompatibleCheckpoint(path: path, reason: "constant \(tensor.name) holds \(data.count) bytes, not \(count * width)")
        }
        let scales = tensor.quantization?.scale ?? []
        let zeroPoints = tensor.quantization?.zeroPoint ?? []
        guard tensor.type == .float32 || scales.count == 1 || scales.count == channels else {
            throw .incompatibleCheckpoint(path: path, reason: "\(tensor.name) has \(scales.count) scales for \(channels) channels")
        }
        let base = data.startIndex
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            // Filters keep their channel last (depthwise) or first (conv); biases are one per channel.
            let c = channels == count ? i : (tensor.quantization?.quantizedDimension == 0 ? i / (count / channels) : i % channels)
            let bits = width == 4 ? UInt32(data[base + 4 * i]) | UInt32(data[base + 4 * i + 1]) << 8
                | UInt32(data[base + 4 * i + 2]) << 16 | UInt32(data[base + 4 * i + 3]) << 24 : 0
            if tensor.type == .float32 {
                values[i] = Float(bitPattern: bits)
            } else {
                let q = width == 1 ? Int64(Int8(bitPattern: data[base + i])) : Int64(Int32(bitPattern: bits))
                let scale = scales.count == 1 ? scales[0] : scales[c]
                let zero = zeroPoints.isEmpty ? 0 : zeroPoints[zeroPoints.count == 1 ? 0 : c]
                values[i] = Float(Double(q - zero) * Double(scale))
            }
        }
        return values
    }
}
