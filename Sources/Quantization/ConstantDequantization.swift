import TFLiteFormat

/// The float32 values of a quantized constant: `float32(scale · (q − zeroPoint))` computed in
/// Double, with per-channel parameters along the tensor's quantized dimension.
enum ConstantDequantization {
    static func values(of tensor: Tensor, data: ArraySlice<UInt8>,
                       quantization q: QuantizationParameters) throws(FloatExportError) -> [Float] {
        let shape = tensor.shape.map(Int.init)
        // A file may claim any shape: count the elements without overflowing.
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard dimension >= 0, !overflow, product <= Int(Int32.max) else {
                throw .malformedModel(reason: "constant '\(tensor.name)' has shape \(shape)")
            }
            count = product
        }
        let width: Int
        switch tensor.type {
        case .int8, .uint8: width = 1
        case .int32: width = 4
        default: throw .unsupportedTensor(name: tensor.name, reason: "a quantized \(tensor.type) constant; expected int8, uint8 or int32")
        }
        guard data.count == count * width else {
            throw .malformedModel(reason: "constant '\(tensor.name)' holds \(data.count) bytes; its shape \(shape) needs \(count * width)")
        }
        guard count > 0 else { return [] }
        let dimension = Int(q.quantizedDimension)
        let channels = q.scale.count
        guard channels == 1 || (channels > 1 && dimension >= 0 && dimension < shape.count && shape[dimension] == channels) else {
            throw .unsupportedTensor(name: tensor.name,
                                     reason: "\(channels) scales along dimension \(dimension) of shape \(shape)")
        }
        guard q.zeroPoint.isEmpty || q.zeroPoint.count == 1 || q.zeroPoint.count == channels else {
            throw .unsupportedTensor(name: tensor.name, reason: "\(q.zeroPoint.count) zero points for \(channels) scales")
        }
        // Elements of one channel sit in runs of `inner` consecutive values.
        let inner = channels > 1 ? shape[(dimension + 1)...].reduce(1, *) : 1
        let base = data.startIndex
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let quantized: Int64
            switch tensor.type {
            case .int8: quantized = Int64(Int8(bitPattern: data[base + i]))
            case .uint8: quantized = Int64(data[base + i])
            default:
                let p = base + 4 * i
                quantized = Int64(Int32(bitPattern: UInt32(data[p]) | UInt32(data[p + 1]) << 8 | UInt32(data[p + 2]) << 16
                    | UInt32(data[p + 3]) << 24))
            }
            let c = channels > 1 ? (i / inner) % channels : 0
            let zeroPoint = q.zeroPoint.isEmpty ? 0 : q.zeroPoint[q.zeroPoint.count == 1 ? 0 : c]
            // In Double the difference cannot overflow (and is exact for int32 values and zero points).
            values[i] = Float(Double(q.scale[c]) * (Double(quantized) - Double(zeroPoint)))
        }
        return values
    }
}
