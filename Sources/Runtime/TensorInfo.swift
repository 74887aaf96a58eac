import TFLiteFormat

/// Per-tensor or per-channel affine quantization, validated: finite positive scales.
public struct Quantization: Equatable, Sendable {
    public var scales: [Float]
    public var zeroPoints: [Int32]
    public var quantizedDimension: Int

    public init(scales: [Float], zeroPoints: [Int32], quantizedDimension: Int = 0) {
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.quantizedDimension = quantizedDimension
    }

    public var scale: Float { scales[0] }
    public var zeroPoint: Int32 { zeroPoints[0] }
    public var isPerChannel: Bool { scales.count > 1 }
}

/// A tensor as the runtime sees it: static shape, element type, quantization.
public struct TensorInfo: Equatable, Sendable {
    public var index: Int
    public var name: String
    public var type: TensorType
    public var shape: [Int]
    public var quantization: Quantization?

    public init(index: Int, name: String, type: TensorType, shape: [Int], quantization: Quantization?) {
        self.index = index
        self.name = name
        self.type = type
        self.shape = shape
        self.quantization = quantization
    }

    public var elementCount: Int { shape.reduce(1, *) }

    /// Bytes of the tensor's data; types without a fixed size never reach the planner.
    public var byteCount: Int { elementCount * (type.byteSize ?? 0) }
}
