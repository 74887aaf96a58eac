/// Padding scheme of a convolution or pooling window.
public enum Padding: Int8, Sendable {
    case same = 0
    case valid = 1
}

/// Activation fused into the output of an operator.
public enum FusedActivation: Int8, Sendable {
    case none = 0
    case relu = 1
    case reluN1To1 = 2
    case relu6 = 3
    case tanh = 4
    case signBit = 5
}

public struct Conv2DOptions: Equatable, Sendable {
    public var padding: Padding
    public var strideWidth: Int32
    public var strideHeight: Int32
    public var activation: FusedActivation
    public var dilationWidth: Int32
    public var dilationHeight: Int32

    public init(padding: Padding, strideWidth: Int32, strideHeight: Int32, activation: FusedActivation,
                dilationWidth: Int32 = 1, dilationHeight: Int32 = 1) {
        self.padding = padding
        self.strideWidth = strideWidth
        self.strideHeight = strideHeight
        self.activation = activation
        self.dilationWidth = dilationWidth
        self.dilationHeight = dilationHeight
    }
}

public struct DepthwiseConv2DOptions: Equatable, Sendable {
    public var padding: Padding
    public var strideWidth: Int32
    public var strideHeight: Int32
    public var depthMultiplier: Int32
    public var activation: FusedActivation
    public var dilationWidth: Int32
    public var dilationHeight: Int32

    public init(padding: Padding, strideWidth: Int32, strideHeight: Int32, depthMultiplier: Int32,
                activation: FusedActivation, dilationWidth: Int32 = 1, dilationHeight: Int32 = 1) {
        self.padding = padding
        self.strideWidth = strideWidth
        self.strideHeight = strideHeight
        self.depthMultiplier = depthMultiplier
        self.activation = activation
        self.dilationWidth = dilationWidth
        self.dilationHeight = dilationHeight
    }
}

public struct ConcatenationOptions: Equatable, Sendable {
    public var axis: Int32
    public var activation: FusedActivation
    public init(axis: Int32, activation: FusedActivation = .none) {
        self.axis = axis
        self.activation = activation
    }
}

public struct AddOptions: Equatable, Sendable {
    public var activation: FusedActivation
    public var potScaleInt16: Bool
    public init(activation: FusedActivation = .none, potScaleInt16: Bool = true) {
        self.activation = activation
        self.potScaleInt16 = potScaleInt16
    }
}

public struct ResizeBilinearOptions: Equatable, Sendable {
    public var alignCorners: Bool
    public var halfPixelCenters: Bool
    public init(alignCorners: Bool = false, halfPixelCenters: Bool = false) {
        self.alignCorners = alignCorners
        self.halfPixelCenters = halfPixelCenters
    }
}

public struct StridedSliceOptions: Equatable, Sendable {
    public var beginMask: Int32
    public var endMask: Int32
    public var ellipsisMask: Int32
    public var newAxisMask: Int32
    public var shrinkAxisMask: Int32
    public var offset: Bool
    public init(beginMask: Int32 = 0, endMask: Int32 = 0, ellipsisMask: Int32 = 0, newAxisMask: Int32 = 0,
                shrinkAxisMask: Int32 = 0, offset: Bool = false) {
        self.beginMask = beginMask
        self.endMask = endMask
        self.ellipsisMask = ellipsisMask
        self.newAxisMask = newAxisMask
        self.shrinkAxisMask = shrinkAxisMask
        self.offset = offset
    }
}

public struct PackOptions: Equatable, Sendable {
    public var valuesCount: Int32
    public var axis: Int32
    public init(valuesCount: Int32, axis: Int32) {
        self.valuesCount = valuesCount
        self.axis = axis
    }
}

/// The decoded `builtin_options` union of an operator.
///
/// Options of operators this project does not execute are kept as `.other` with their union
/// type, so the model still loads and `inspect` can list it.
public enum BuiltinOptions: Equatable, Sendable {
    case none
    case conv2D(Conv2DOptions)
    case depthwiseConv2D(DepthwiseConv2DOptions)
    case softmax(beta: Float)
    case concatenation(ConcatenationOptions)
    case add(AddOptions)
    case resizeBilinear(ResizeBilinearOptions)
    case reshape(newShape: [Int32]?)
    case pad
    case reducer(keepDims: Bool)
    case stridedSlice(StridedSliceOptions)
    case dequantize
    case tile
    case shape(outputType: TensorType)
    case pack(PackOptions)
    case quantize
    case other(unionType: UInt8)

    /// Union type numbers of `BuiltinOptions` in schema.fbs.
    enum UnionType: UInt8 {
        case none = 0, conv2D = 1, depthwiseConv2D = 2, softmax = 9, concatenation = 10, add = 11
        case resizeBilinear = 15, reshape = 17, pad = 22, reducer = 27, stridedSlice = 32
        case dequantize = 38, tile = 51, shape = 55, pack = 59, quantize = 89
    }

    var unionType: UInt8 {
        switch self {
        case .none: return UnionType.none.rawValue
        case .conv2D: return UnionType.conv2D.rawValue
        case .depthwiseConv2D: return UnionType.depthwiseConv2D.rawValue
        case .softmax: return UnionType.softmax.rawValue
        case .concatenation: return UnionType.concatenation.rawValue
        case .add: return UnionType.add.rawValue
        case .resizeBilinear: return UnionType.resizeBilinear.rawValue
        case .reshape: return UnionType.reshape.rawValue
        case .pad: return UnionType.pad.rawValue
        case .reducer: return UnionType.reducer.rawValue
        case .stridedSlice: return UnionType.stridedSlice.rawValue
        case .dequantize: return UnionType.dequantize.rawValue
        case .tile: return UnionType.tile.rawValue
        case .shape: return UnionType.shape.rawValue
        case .pack: return UnionType.pack.rawValue
        case .quantize: return UnionType.quantize.rawValue
        case .other(let unionType): return unionType
        }
    }

    init(unionType: UInt8, table: FlatBufferTable?) throws(TFLiteFormatError) {
        guard let known = UnionType(rawValue: unionType) else {
            self = .other(unionType: unionType)
            return
        }
        if known == .none {
            self = .none
            return
        }
        guard let t = table else {
            throw .invalidValue(field: "", reason: "options of union type \(unionType) are missing")
        }
        switch known {
        case .none:
            self = .none
        case .conv2D:
            self = .conv2D(Conv2DOptions(
                padding: try decodeEnum(t.int8(0), "padding"),
                strideWidth: try t.int32(1), strideHeight: try t.int32(2),
                activation: try decodeEnum(t.int8(3), "fused_activation_function"),
                dilationWidth: try t.int32(4, default: 1), dilationHeight: try t.int32(5, default: 1)))
        case .depthwiseConv2D:
            self = .depthwiseConv2D(DepthwiseConv2DOptions(
                padding: try decodeEnum(t.int8(0), "padding"),
                strideWidth: try t.int32(1), strideHeight: try t.int32(2),
                depthMultiplier: try t.int32(3),
                activation: try decodeEnum(t.int8(4), "fused_activation_function"),
                dilationWidth: try t.int32(5, default: 1), dilationHeight: try t.int32(6, default: 1)))
        case .softmax:
            self = .softmax(beta: try t.float32(0))
        case .concatenation:
            self = .concatenation(ConcatenationOptions(
                axis: try t.int32(0), activation: try decodeEnum(t.int8(1), "fused_activation_function")))
        case .add:
            self = .add(AddOptions(
                activation: try decodeEnum(t.int8(0), "fused_activation_function"),
                potScaleInt16: try t.bool(1, default: true)))
        case .resizeBilinear:
            self = .resizeBilinear(ResizeBilinearOptions(
                alignCorners: try t.bool(2), halfPixelCenters: try t.bool(3)))
        case .reshape:
            self = .reshape(newShape: try located("new_shape") { () throws(TFLiteFormatError) in try t.int32Array(0) })
        case .pad:
            self = .pad
        case .reducer:
            self = .reducer(keepDims: try t.bool(0))
        case .stridedSlice:
            self = .stridedSlice(StridedSliceOptions(
                beginMask: try t.int32(0), endMask: try t.int32(1), ellipsisMask: try t.int32(2),
                newAxisMask: try t.int32(3), shrinkAxisMask: try t.int32(4), offset: try t.bool(5)))
        case .dequantize:
            self = .dequantize
        case .tile:
            self = .tile
        case .shape:
            self = .shape(outputType: try decodeEnum(t.int8(0), "out_type"))
        case .pack:
            self = .pack(PackOptions(valuesCount: try t.int32(0), axis: try t.int32(1)))
        case .quantize:
            self = .quantize
        }
    }
}

func decodeEnum<E: RawRepresentable>(_ raw: Int8, _ field: String) throws(TFLiteFormatError) -> E where E.RawValue == Int8 {
    guard let value = E(rawValue: raw) else {
        throw .invalidValue(field: field, reason: "unknown \(E.self) value \(raw)")
    }
    return value
}
