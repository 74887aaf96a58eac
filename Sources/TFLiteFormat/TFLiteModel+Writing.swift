// Serialization of the schema subset back to `.tflite` bytes (field ids as in schema.fbs).

extension TFLiteModel {
    /// The model as a `.tflite` file: decoding the result gives back an equal model.
    public func serialized() -> [UInt8] {
        var root = FlatBufferObject()
        root.set(0, .uint32(version))
        root.set(1, .tableVector(operatorCodes.map(\.flatBufferObject)))
        root.set(2, .tableVector(subgraphs.map(\.flatBufferObject)))
        if !description.isEmpty { root.set(3, .string(description)) }
        root.set(4, .tableVector(buffers.map(\.flatBufferObject)))
        if !metadata.isEmpty { root.set(6, .tableVector(metadata.map(\.flatBufferObject))) }
        return FlatBufferBuilder.serialize(root: root, identifier: "TFL3")
    }
}

extension OperatorCode {
    var flatBufferObject: FlatBufferObject {
        var o = FlatBufferObject()
        // Codes below 127 also go in the deprecated byte field, which older readers use.
        o.set(0, .int8(Int8(clamping: min(builtinCode.rawValue, 127))))
        if let customCode { o.set(1, .string(customCode)) }
        o.set(2, .int32(version))
        o.set(3, .int32(builtinCode.rawValue))
        return o
    }
}

extension Subgraph {
    var flatBufferObject: FlatBufferObject {
        var o = FlatBufferObject()
        o.set(0, .tableVector(tensors.map(\.flatBufferObject)))
        o.set(1, .int32Vector(inputs))
        o.set(2, .int32Vector(outputs))
        o.set(3, .tableVector(operators.map(\.flatBufferObject)))
        if !name.isEmpty { o.set(4, .string(name)) }
        return o
    }
}

extension Tensor {
    var flatBufferObject: FlatBufferObject {
        var o = FlatBufferObject()
        o.set(0, .int32Vector(shape))
        o.set(1, .int8(type.rawValue))
        o.set(2, .uint32(buffer))
        o.set(3, .string(name))
        if let quantization { o.set(4, .table(quantization.flatBufferObject)) }
        if isVariable { o.set(5, .bool(true)) }
        if let shapeSignature { o.set(7, .int32Vector(shapeSignature)) }
        return o
    }
}

extension QuantizationParameters {
    var flatBufferObject: FlatBufferObject {
        var o = FlatBufferObject()
        if !min.isEmpty { o.set(0, .float32Vector(min)) }
        if !max.isEmpty { o.set(1, .float32Vector(max)) }
        o.set(2, .float32Vector(scale))
        o.set(3, .int64Vector(zeroPoint))
        if quantizedDimension != 0 { o.set(6, .int32(quantizedDimension)) }
        return o
    }
}

extension Buffer {
    var flatBufferObject: FlatBufferObject {
        var o = FlatBufferObject()
        if !data.isEmpty { o.set(0, .bytes(Array(data), alignment: 16)) }
        return o
    }
}

extension Metadata {
    var flatBufferObject: FlatBufferObject {
        var o = FlatBufferObject()
        o.set(0, .string(name))
        o.set(1, .uint32(buffer))
        return o
    }
}

extension Operator {
    var flatBufferObject: FlatBufferObject {
        var o = FlatBufferObject()
        o.set(0, .uint32(opcodeIndex))
        o.set(1, .int32Vector(inputs))
        o.set(2, .int32Vector(outputs))
        if let table = options.flatBufferObject {
            o.set(3, .uint8(options.unionType))
            o.set(4, .table(table))
        }
        if !intermediates.isEmpty { o.set(8, .int32Vector(intermediates)) }
        return o
    }
}

extension BuiltinOptions {
    /// The options table, or nil for operators without options.
    var flatBufferObject: FlatBufferObject? {
        var o = FlatBufferObject()
        switch self {
        case .none, .other:
            return nil
        case .conv2D(let v):
            o.set(0, .int8(v.padding.rawValue))
            o.set(1, .int32(v.strideWidth))
            o.set(2, .int32(v.strideHeight))
            o.set(3, .int8(v.activation.rawValue))
            o.set(4, .int32(v.dilationWidth))
            o.set(5, .int32(v.dilationHeight))
        case .depthwiseConv2D(let v):
            o.set(0, .int8(v.padding.rawValue))
            o.set(1, .int32(v.strideWidth))
            o.set(2, .int32(v.strideHeight))
            o.set(3, .int32(v.depthMultiplier))
            o.set(4, .int8(v.activation.rawValue))
            o.set(5, .int32(v.dilationWidth))
            o.set(6, .int32(v.dilationHeight))
        case .softmax(let beta):
            o.set(0, .float32(beta))
        case .concatenation(let v):
            o.set(0, .int32(v.axis))
            o.set(1, .int8(v.activation.rawValue))
        case .add(let v):
            o.set(0, .int8(v.activation.rawValue))
            o.set(1, .bool(v.potScaleInt16))
        case .resizeBilinear(let v):
            o.set(2, .bool(v.alignCorners))
            o.set(3, .bool(v.halfPixelCenters))
        case .reshape(let newShape):
            if let newShape { o.set(0, .int32Vector(newShape)) }
        case .reducer(let keepDims):
            o.set(0, .bool(keepDims))
        case .stridedSlice(let v):
            o.set(0, .int32(v.beginMask))
            o.set(1, .int32(v.endMask))
            o.set(2, .int32(v.ellipsisMask))
            o.set(3, .int32(v.newAxisMask))
            o.set(4, .int32(v.shrinkAxisMask))
            o.set(5, .bool(v.offset))
        case .shape(let outputType):
            o.set(0, .int8(outputType.rawValue))
        case .pack(let v):
            o.set(0, .int32(v.valuesCount))
            o.set(1, .int32(v.axis))
        case .pad, .dequantize, .tile, .quantize:
            break
        }
        return o
    }
}
