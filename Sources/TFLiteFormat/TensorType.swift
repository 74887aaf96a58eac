/// Element type of a tensor, with the schema's numbering.
public enum TensorType: Int8, Sendable, CaseIterable, CustomStringConvertible {
    case float32 = 0, float16 = 1, int32 = 2, uint8 = 3, int64 = 4, string = 5, bool = 6, int16 = 7
    case complex64 = 8, int8 = 9, float64 = 10, complex128 = 11, uint64 = 12, resource = 13
    case variant = 14, uint32 = 15, uint16 = 16, int4 = 17, bfloat16 = 18, int2 = 19, uint4 = 20
    case float8E4M3FN = 21, float8E5M2 = 22

    /// Bytes per element, or nil for types without a fixed byte size (strings, sub-byte types).
    public var byteSize: Int? {
        switch self {
        case .bool, .int8, .uint8, .float8E4M3FN, .float8E5M2: return 1
        case .int16, .uint16, .float16, .bfloat16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64, .complex64: return 8
        case .complex128: return 16
        case .string, .resource, .variant, .int4, .int2, .uint4: return nil
        }
    }

    /// The lowercase name NumPy and LiteRT use (`int8`, `float32`, ...).
    public var description: String {
        switch self {
        case .float32: return "float32"
        case .float16: return "float16"
        case .int32: return "int32"
        case .uint8: return "uint8"
        case .int64: return "int64"
        case .string: return "string"
        case .bool: return "bool"
        case .int16: return "int16"
        case .complex64: return "complex64"
        case .int8: return "int8"
        case .float64: return "float64"
        case .complex128: return "complex128"
        case .uint64: return "uint64"
        case .resource: return "resource"
        case .variant: return "variant"
        case .uint32: return "uint32"
        case .uint16: return "uint16"
        case .int4: return "int4"
        case .bfloat16: return "bfloat16"
        case .int2: return "int2"
        case .uint4: return "uint4"
        case .float8E4M3FN: return "float8_e4m3fn"
        case .float8E5M2: return "float8_e5m2"
        }
    }
}
