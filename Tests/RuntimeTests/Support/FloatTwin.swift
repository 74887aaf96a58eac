import TFLiteFormat

/// The float32 version of a quantized graph: constants dequantized, activations float32, the
/// input QUANTIZE turned into a DEQUANTIZE, other QUANTIZE/DEQUANTIZE operators into copies.
///
/// Built at test time from the licensed reference models, so nothing derived from their weights
/// is ever stored.
func floatTwin(of model: TFLiteModel) -> TFLiteModel {
    var twin = model
    var graph = twin.subgraphs[0]
    let reshape = UInt32(twin.operatorCodes.firstIndex { $0.builtinCode == .reshape } ?? twin.operatorCodes.count)
    if Int(reshape) == twin.operatorCodes.count { twin.operatorCodes.append(OperatorCode(builtinCode: .reshape)) }
    let dequantize = UInt32(twin.operatorCodes.firstIndex { $0.builtinCode == .dequantize } ?? twin.operatorCodes.count)
    if Int(dequantize) == twin.operatorCodes.count { twin.operatorCodes.append(OperatorCode(builtinCode: .dequantize, version: 2)) }

    for (index, tensor) in graph.tensors.enumerated() {
        guard let q = tensor.quantization, tensor.type == .int8 || tensor.type == .int32 else { continue }
        let data = twin.buffers[Int(tensor.buffer)].data
        if tensor.buffer != 0 && !data.isEmpty {
            twin.buffers.append(Buffer(data: ArraySlice(dequantized(data, tensor: tensor, quantization: q))))
            graph.tensors[index].buffer = UInt32(twin.buffers.count - 1)
        }
        graph.tensors[index].type = .float32
        graph.tensors[index].quantization = nil
    }
    for (index, op) in graph.operators.enumerated() {
        let code = twin.operatorCodes[Int(op.opcodeIndex)].builtinCode
        guard code == .quantize || code == .dequantize else { continue }
        let input = graph.tensors[Int(op.inputs[0])]
        if input.type == .uint8 {
            graph.operators[index] = Operator(opcodeIndex: dequantize, inputs: op.inputs, outputs: op.outputs, options: .dequantize)
        } else {
            graph.operators[index] = Operator(opcodeIndex: reshape, inputs: [op.inputs[0]], outputs: op.outputs,
                                              options: .reshape(newShape: input.shape))
        }
    }
    twin.subgraphs[0] = graph
    return twin
}

/// `scale[c] * (q - zeroPoint[c])` as float32 bytes, `c` along the quantized dimension.
private func dequantized(_ data: ArraySlice<UInt8>, tensor: Tensor, quantization q: QuantizationParameters) -> [UInt8] {
    let shape = tensor.shape.map(Int.init)
    let dimension = Int(q.quantizedDimension)
    let inner = q.scale.count > 1 ? shape[(dimension + 1)...].reduce(1, *) : 1
    let bytes = Array(data)
    let count = shape.reduce(1, *)
    var values: [Float] = []
    values.reserveCapacity(count)
    for i in 0..<count {
        let quantized: Int64
        if tensor.type == .int8 {
            quantized = Int64(Int8(bitPattern: bytes[i]))
        } else {
            quantized = Int64(Int32(bitPattern: UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8
                | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24))
        }
        let c = q.scale.count > 1 ? (i / inner) % q.scale.count : 0
        let zeroPoint = q.zeroPoint.isEmpty ? 0 : q.zeroPoint[c]
        values.append(Float(Double(q.scale[c]) * Double(quantized - zeroPoint)))
    }
    return littleEndianFloatBytes(values)
}

private func littleEndianFloatBytes(_ values: [Float]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count * 4)
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    return bytes
}
