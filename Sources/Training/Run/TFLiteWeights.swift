import Detection
import Foundation
import TFLiteFormat

/// `--init model.tflite`: the convolutions of an int8 (or float) `.tflite` of the same architecture,
/// dequantized into the float network. The file's convolutions carry their batch normalization folded
/// in, so each becomes kernel and bias with identity statistics (gamma 1, beta 0, mean 0, variance
/// 1 - epsilon): in inference the float network then computes what the file's float graph computes.
enum TFLiteWeights {
    /// One CONV_2D or DEPTHWISE_CONV_2D of the file, kernel in Keras layout.
    struct Convolution {
        var depthwise: Bool
        var kernelShape: [Int]
        var outputSide: Int
        var kernel: [Float]
        var bias: [Float]
        var used = false
    }

    static func load(_ path: String, into network: SSDNetwork) throws(TrainingError) {
        var convolutions = try read(model(path), path: path)
        let table = network.parameterTable
        let sizes = network.architecture.featureMapSizes
        for (index, entry) in table.entries.enumerated() where entry.role == .kernel {
            let layer = String(entry.name.prefix { $0 != "/" })
            let depthwise = entry.name.hasSuffix("/depthwise_kernel")
            let side = featureMap(of: layer).map { sizes[$0] }
            guard let match = convolutions.firstIndex(where: {
                !$0.used && $0.depthwise == depthwise && $0.kernelShape == entry.shape && (side == nil || $0.outputSide == side)
            }) else {
                throw .incompatibleCheckpoint(path: path, reason: "it has no convolution for \(layer) \(entry.shape) of \(network.architecture.summary)")
            }
            convolutions[match].used = true
            set(convolutions[match], kernel: entry, following: table.entries[(index + 1)...], network: network)
        }
        if let extra = convolutions.first(where: { !$0.used }) {
            throw .incompatibleCheckpoint(path: path, reason: "its convolution \(extra.kernelShape) has no place in \(network.architecture.summary)")
        }
    }

    /// The feature map whose side fixes the layer's output (heads and lateral convolutions); nil for
    /// layers of the backbone and extra blocks, which come in the same order in both graphs.
    private static func featureMap(of layer: String) -> Int? {
        for prefix in ["cls_pred_", "bbox_pred_", "fmap_"] where layer.hasPrefix(prefix) {
            return Int(layer.dropFirst(prefix.count).prefix { $0.isNumber })
        }
        return nil
    }

    /// Writes the kernel, then the bias and identity statistics into the entries that follow it.
    private static func set(_ convolution: Convolution, kernel: ParameterTable.Entry,
                            following: ArraySlice<ParameterTable.Entry>, network: SSDNetwork) {
        let parameters = network.parameters, statistics = network.movingStatistics
        for i in 0..<kernel.count { parameters[kernel.offset + i] = convolution.kernel[i] }
        let entries = following.prefix { $0.role != .kernel }
        let hasBias = entries.contains { $0.role == .bias }
        for entry in entries {
            for c in 0..<entry.count {
                switch entry.role {
                case .bias: parameters[entry.offset + c] = convolution.bias[c]
                case .batchNormGamma: parameters[entry.offset + c] = 1
                case .batchNormBeta: parameters[entry.offset + c] = hasBias ? 0 : convolution.bias[c]
                case .movingMean: statistics[entry.offset + c] = 0
                case .movingVariance: statistics[entry.offset + c] = Float(1 - BatchNormalization.epsilon)
                case .kernel: break
                }
            }
        }
    }

    /// The architecture the file's shapes give: input side, classes from the output's columns, alpha
    /// from the first convolution's channels (32 x alpha).
    static func architecture(_ path: String) throws(TrainingError) -> SSDArchitecture {
        let model = try model(path)
        let graph = model.subgraphs[0]
        let convolutions = try read(model, path: path)
        guard let input = graph.inputs.first.flatMap({ tensor(graph, $0) }), input.shape.count == 4,
              let output = graph.outputs.first.flatMap({ tensor(graph, $0) }), output.shape.count == 3,
              let first = convolutions.first else {
            throw .incompatibleCheckpoint(path: path, reason: "it is not an SSD with one [1, side, side, 3] input and one [1, anchors, columns] output")
        }
        do {
            return try SSDArchitecture(alpha: Double(first.kernelShape[3]) / 32, inputSize: Int(input.shape[1]),
                                       classCount: Int(output.shape[2]) - 9)
        } catch {
            throw .incompatibleCheckpoint(path: path, reason: error.description)
        }
    }

    private static func model(_ path: String) throws(TrainingError) -> TFLiteModel {
        let model: TFLiteModel
        do {
            model = try TFLiteModel(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        } catch let error as TFLiteFormatError {
            throw .incompatibleCheckpoint(path: path, reason: error.description)
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard !model.subgraphs.isEmpty else { throw .incompatibleCheckpoint(path: path, reason: "it has no subgraph") }
        return model
    }

    /// Every convolution of the file's first subgraph, dequantized.
    static func read(_ model: TFLiteModel, path: String) throws(TrainingError) -> [Convolution] {
        let graph = model.subgraphs[0]
        var result: [Convolution] = []
        for op in graph.operators {
            guard Int(op.opcodeIndex) < model.operatorCodes.count else { continue }
            let code = model.operatorCodes[Int(op.opcodeIndex)].builtinCode
            guard code == .conv2D || code == .depthwiseConv2D else { continue }
            let depthwise = code == .depthwiseConv2D
            guard op.inputs.count >= 3, op.outputs.count >= 1,
                  let filter = tensor(graph, op.inputs[1]), let bias = tensor(graph, op.inputs[2]), let output = tensor(graph, op.outputs[0]),
                  filter.shape.count == 4, output.shape.count == 4 else {
                throw .incompatibleCheckpoint(path: path, reason: "a \(code) without a 4-D filter, a bias and an output")
            }
            let s = filter.shape.map(Int.init)
            let channels = depthwise ? s[3] : s[0]
            let values = try dequantize(filter, model, count: s.reduce(1, *), channels: channels, path: path)
            let biases = try dequantize(bias, model, count: channels, channels: channels, path: path)
            // TFLite stores [out, kh, kw, in] and depthwise [1, kh, kw, channels]; Keras [kh, kw, in, out] and [kh, kw, channels, 1].
            let kernel: [Float]
            let shape: [Int]
            if depthwise {
                kernel = values
                shape = [s[1], s[2], s[3], 1]
            } else {
                let (o, kh, kw, i) = (s[0], s[1], s[2], s[3])
                var k = [Float](repeating: 0, count: values.count)
                for oc in 0..<o { for p in 0..<(kh * kw * i) { k[p * o + oc] = values[oc * kh * kw * i + p] } }
                kernel = k
                shape = [kh, kw, i, o]
            }
            result.append(Convolution(depthwise: depthwise, kernelShape: shape, outputSide: Int(output.shape[1]), kernel: kernel,
                                      bias: biases))
        }
        return result
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
