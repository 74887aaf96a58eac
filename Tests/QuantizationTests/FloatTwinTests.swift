import Foundation
import Testing
import Quantization
import TFLiteFormat
import TestSupport

/// The twin of each reference model: float32 in and out, no (de)quantizing operator left, and
/// every quantized constant replaced by `float32(scale · (q − zeroPoint))` computed in Double.
@Suite struct FloatTwinTests {
    @Test(arguments: Fixtures.modelSizes)
    func constantsAreDequantizedExactly(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let reference = try TFLiteModel(bytes: bytes)
        let twin = try FloatTwin(quantized: reference)
        let graph = twin.model.subgraphs[0]
        #expect(graph.tensors[Int(graph.inputs[0])].type == .float32 && graph.tensors[Int(graph.inputs[0])].shape == [1, Int32(size), Int32(size), 3])
        #expect(graph.tensors[Int(graph.outputs[0])].shape == [1, size == 192 ? 3830 : 6825, 10])
        #expect(!twin.model.operatorCodes.contains { $0.builtinCode == .quantize || $0.builtinCode == .dequantize })
        #expect(graph.tensors.allSatisfy { ($0.type == .float32 && $0.quantization == nil) || ($0.type == .int32 && $0.quantization == nil) })
        #expect(twin.inputScale == Float(1 / 127.5) && twin.inputZeroPoint == 127)

        let twinTensors = Dictionary(graph.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var checked = 0
        for tensor in reference.subgraphs[0].tensors {
            let data = reference.buffers[Int(tensor.buffer)].data
            guard let q = tensor.quantization, !data.isEmpty, let float = twinTensors[tensor.name] else { continue }
            let shape = tensor.shape.map(Int.init)
            let inner = q.scale.count > 1 ? shape[(Int(q.quantizedDimension) + 1)...].reduce(1, *) : 1
            let stored = Array(twin.model.buffers[Int(float.buffer)].data)
            func word(_ bytes: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
                bytes[(bytes.startIndex + 4 * i)..<(bytes.startIndex + 4 * i + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            }
            for i in 0..<shape.reduce(1, *) {
                let quantized = tensor.type == .int8 ? Int(Int8(bitPattern: data[data.startIndex + i])) : Int(Int32(bitPattern: word(data, i)))
                let c = q.scale.count > 1 ? (i / inner) % q.scale.count : 0
                let zeroPoint = Int(q.zeroPoint.count > 1 ? q.zeroPoint[c] : q.zeroPoint.first ?? 0)
                let expected = Float(Double(q.scale[c]) * Double(quantized - zeroPoint))
                let actual = word(stored[...], i)
                guard expected.bitPattern == actual else {
                    Issue.record("\(size) \(tensor.name)[\(i)]: \(Float(bitPattern: actual)) instead of \(expected)")
                    break
                }
            }
            checked += 1
        }
        // Filters and biases of 31 / 36 CONV_2D and 15 / 17 DEPTHWISE_CONV_2D (192 / 224 and 256), and 5 / 6 anchor tensors.
        #expect(checked == (size == 192 ? 97 : 112), "\(size): \(checked) constants checked")
    }
}
