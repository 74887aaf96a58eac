import TFLiteFormat

/// A positive real multiplier in TFLite's fixed-point form: `multiplier * 2^(shift - 31)`, with
/// `multiplier` in [2^30, 2^31) (or 0 for multipliers below 2^-31, which TFLite flushes to zero).
public struct QuantizedMultiplier: Equatable, Sendable {
    public var multiplier: Int32
    public var shift: Int32

    /// TFLite's QuantizeMultiplier: frexp, then round the 31-bit significand half away from zero.
    public init(_ real: Double) {
        guard real > 0, real.isFinite else {
            self.multiplier = 0
            self.shift = 0
            return
        }
        // frexp: real = fraction * 2^exponent with fraction in [0.5, 1).
        var exponent = Int(real.exponent) + 1
        let fraction = real.significand / 2
        var fixed = Int64((fraction * 2_147_483_648.0).rounded(.toNearestOrAwayFromZero))
        if fixed == 1 << 31 {
            fixed /= 2
            exponent += 1
        }
        if exponent < -31 {
            exponent = 0
            fixed = 0
        }
        self.multiplier = Int32(fixed)
        self.shift = Int32(exponent)
    }
}

/// The quantized [min, max] a fused activation allows, clipped to the output type's range
/// (TFLite's CalculateActivationRangeQuantized).
func activationRange(_ activation: FusedActivation, scale: Float, zeroPoint: Int32, type: TensorType) -> (Int32, Int32)? {
    let (typeMin, typeMax): (Int32, Int32)
    switch type {
    case .int8: (typeMin, typeMax) = (-128, 127)
    case .uint8: (typeMin, typeMax) = (0, 255)
    case .int16: (typeMin, typeMax) = (-32768, 32767)
    default: return nil
    }
    func quantize(_ value: Float) -> Int32? {
        let q = (value / scale).rounded(.toNearestOrAwayFromZero)
        guard q >= -2_147_483_648, q < 2_147_483_648 else { return nil }
        let (sum, overflow) = zeroPoint.addingReportingOverflow(Int32(q))
        return overflow ? nil : sum
    }
    switch activation {
    case .none:
        return (typeMin, typeMax)
    case .relu:
        guard let low = quantize(0) else { return nil }
        return (max(typeMin, low), typeMax)
    case .relu6:
        guard let low = quantize(0), let high = quantize(6) else { return nil }
        return (max(typeMin, low), min(typeMax, high))
    case .reluN1To1:
        guard let low = quantize(-1), let high = quantize(1) else { return nil }
        return (max(typeMin, low), min(typeMax, high))
    case .tanh, .signBit:
        return nil
    }
}

/// The float [min, max] of a fused activation.
func activationRange(_ activation: FusedActivation) -> (Float, Float)? {
    switch activation {
    case .none: return (-.greatestFiniteMagnitude, .greatestFiniteMagnitude)
    case .relu: return (0, .greatestFiniteMagnitude)
    case .relu6: return (0, 6)
    case .reluN1To1: return (-1, 1)
    case .tanh, .signBit: return nil
    }
}

/// C's float-to-int32 conversion for in-range values, saturating outside (where C is undefined).
func saturatingInt32(_ x: Float) -> Int32 {
    guard !x.isNaN else { return 0 }
    let truncated = x.rounded(.towardZero)
    if truncated <= -2_147_483_648 { return .min }
    if truncated >= 2_147_483_648 { return .max }
    return Int32(truncated)
}
