/// QUANTIZE between integer types (int8 -> int8, uint8 -> int8, ...): a change of scale and zero
/// point, saturated to the output type.
///
/// LiteRT on x86 runs TFLite's NEON code for this through an SSE translation: whole blocks of 16
/// values round ties upward, the remaining `count % 16` use TFLite's scalar rounding. The first
/// `tiesUpCount` values here round upward (`count / 16 * 16` for a whole tensor; less for the
/// tail chunk of a tensor processed in pieces).
public func requantize<Input: FixedWidthInteger, Output: FixedWidthInteger>(
    count: Int, tiesUpCount: Int, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int32,
    input: UnsafePointer<Input>, output: UnsafeMutablePointer<Output>
) {
    let low = Int32(Output.min)
    let high = Int32(Output.max)
    for i in 0..<count {
        let x = Int32(input[i]) &- inputZeroPoint
        let scaled = i < tiesUpCount ? multiplyByQuantizedMultiplierTiesUp(x, multiplier, shift)
            : multiplyByQuantizedMultiplier(x, multiplier, shift)
        output[i] = Output(truncatingIfNeeded: min(max(scaled &+ outputZeroPoint, low), high))
    }
}

/// QUANTIZE from float32 as LiteRT computes it on x86, where TFLite's NEON code runs through an
/// SSE translation: whole blocks of 8 as `x * float32(1 / scale)` rounded half to even (the first
/// `blockedCount` values here), the remaining `count % 8` with TFLite's scalar
/// `round(x / scale)` (division in double, ties away from zero); then `+ zeroPoint`, saturated.
/// The model zoo's rescaled pixels sit exactly on ties, so the two forms do differ.
public func quantizeFloat<Output: FixedWidthInteger>(
    count: Int, blockedCount: Int, scale: Float, zeroPoint: Int32, input: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Output>
) {
    let low = Double(Output.min)
    let high = Double(Output.max)
    let reciprocal = 1 / scale
    for i in 0..<count {
        let rounded = i < blockedCount ? Double((input[i] * reciprocal).rounded(.toNearestOrEven))
            : (Double(input[i]) / Double(scale)).rounded(.toNearestOrAwayFromZero)
        let value = rounded + Double(zeroPoint)
        let finite = value.isNaN ? Double(zeroPoint) : value
        output[i] = Output(min(max(finite, low), high))
    }
}

/// DEQUANTIZE to float32 as LiteRT computes it on x86, where TFLite's NEON code runs through
/// an SSE translation: blocks of 8 as `Float(q) * scale + Float(-zeroPoint * scale)` (two float
/// roundings), the remaining `count % 8` values as `scale * (q - zeroPoint)` in double. The first
/// `blockedCount` values here take the block form (`count / 8 * 8` for a whole tensor).
public func dequantize(count: Int, blockedCount: Int, scale: Float, zeroPoint: Int32, input: UnsafePointer<Int8>,
                       output: UnsafeMutablePointer<Float>) {
    dequantizeValues(count: count, blockedCount: blockedCount, scale: scale, zeroPoint: zeroPoint, input: input, output: output)
}

/// DEQUANTIZE of uint8 values; see the int8 overload.
public func dequantize(count: Int, blockedCount: Int, scale: Float, zeroPoint: Int32, input: UnsafePointer<UInt8>,
                       output: UnsafeMutablePointer<Float>) {
    dequantizeValues(count: count, blockedCount: blockedCount, scale: scale, zeroPoint: zeroPoint, input: input, output: output)
}

/// DEQUANTIZE of int16 values; see the int8 overload.
public func dequantize(count: Int, blockedCount: Int, scale: Float, zeroPoint: Int32, input: UnsafePointer<Int16>,
                       output: UnsafeMutablePointer<Float>) {
    dequantizeValues(count: count, blockedCount: blockedCount, scale: scale, zeroPoint: zeroPoint, input: input, output: output)
}

/// The public overloads fix the element type so this specializes into vector code.
@inline(__always)
func dequantizeValues<Input: FixedWidthInteger>(
    count: Int, blockedCount: Int, scale: Float, zeroPoint: Int32, input: UnsafePointer<Input>, output: UnsafeMutablePointer<Float>
) {
    let zeroTimesScale = Float(Double(-zeroPoint) * Double(scale))
    let blocked = min(max(blockedCount, 0), count)
    for i in 0..<blocked {
        output[i] = Float(Int32(input[i])) * scale + zeroTimesScale
    }
    for i in blocked..<count {
        output[i] = Float(Double(scale) * Double(Int32(input[i]) &- zeroPoint))
    }
}
