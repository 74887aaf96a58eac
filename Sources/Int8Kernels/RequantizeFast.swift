/// Fast QUANTIZE between integer types, bit for bit `requantize` with the same arguments: the
/// first `tiesUpCount` of the `count` values round ties upward, 16 at a time in SIMD, the rest as
/// TFLite's scalar code does. `multiplier` must be non-negative and `shift` at least -31, as
/// `QuantizedMultiplier` makes them.
public func requantizeFast(count: Int, tiesUpCount: Int, inputZeroPoint: Int32, outputZeroPoint: Int32,
                           multiplier: Int32, shift: Int32, input: UnsafePointer<UInt8>,
                           output: UnsafeMutablePointer<Int8>) {
    requantizeVectors(count: count, tiesUpCount: tiesUpCount, inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint,
                      multiplier: multiplier, shift: shift, input: input, output: output)
}

/// Fast QUANTIZE int8 -> int8; see the uint8 -> int8 overload.
public func requantizeFast(count: Int, tiesUpCount: Int, inputZeroPoint: Int32, outputZeroPoint: Int32,
                           multiplier: Int32, shift: Int32, input: UnsafePointer<Int8>,
                           output: UnsafeMutablePointer<Int8>) {
    requantizeVectors(count: count, tiesUpCount: tiesUpCount, inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint,
                      multiplier: multiplier, shift: shift, input: input, output: output)
}

/// Fast QUANTIZE int8 -> uint8; see the uint8 -> int8 overload.
public func requantizeFast(count: Int, tiesUpCount: Int, inputZeroPoint: Int32, outputZeroPoint: Int32,
                           multiplier: Int32, shift: Int32, input: UnsafePointer<Int8>,
                           output: UnsafeMutablePointer<UInt8>) {
    requantizeVectors(count: count, tiesUpCount: tiesUpCount, inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint,
                      multiplier: multiplier, shift: shift, input: input, output: output)
}

/// Fast QUANTIZE uint8 -> uint8; see the uint8 -> int8 overload.
public func requantizeFast(count: Int, tiesUpCount: Int, inputZeroPoint: Int32, outputZeroPoint: Int32,
                           multiplier: Int32, shift: Int32, input: UnsafePointer<UInt8>,
                           output: UnsafeMutablePointer<UInt8>) {
    requantizeVectors(count: count, tiesUpCount: tiesUpCount, inputZeroPoint: inputZeroPoint, outputZeroPoint: outputZeroPoint,
                      multiplier: multiplier, shift: shift, input: input, output: output)
}

/// Whole blocks of 16 in SIMD, then the reference's scalar rounding for what is left; the
/// public overloads fix the types so this specializes into vector code.
@inline(__always)
private func requantizeVectors<Input: FixedWidthInteger & SIMDScalar, Output: FixedWidthInteger & SIMDScalar>(
    count: Int, tiesUpCount: Int, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int32,
    input: UnsafePointer<Input>, output: UnsafeMutablePointer<Output>
) {
    let tiesUp = min(max(tiesUpCount, 0), count)
    let lanes = RequantizationLanes(multiplier: multiplier, shift: shift)
    let low = Int32(Output.min)
    let high = Int32(Output.max)
    var i = 0
    while i + 16 <= tiesUp {
        let values = loadVector(input + i, as: SIMD16<Input>.self)
        var first = SIMD8<Int32>()
        var second = SIMD8<Int32>()
        for lane in 0..<8 {
            first[lane] = Int32(truncatingIfNeeded: values[lane]) &- inputZeroPoint
            second[lane] = Int32(truncatingIfNeeded: values[8 + lane]) &- inputZeroPoint
        }
        first = requantizeTiesUp(first, lanes) &+ SIMD8(repeating: outputZeroPoint)
        second = requantizeTiesUp(second, lanes) &+ SIMD8(repeating: outputZeroPoint)
        var result = SIMD16<Output>()
        for lane in 0..<8 {
            result[lane] = Output(truncatingIfNeeded: min(max(first[lane], low), high))
            result[8 + lane] = Output(truncatingIfNeeded: min(max(second[lane], low), high))
        }
        storeVector(result, to: output + i)
        i += 16
    }
    while i < count {
        let x = Int32(truncatingIfNeeded: input[i]) &- inputZeroPoint
        let scaled = i < tiesUp ? multiplyByQuantizedMultiplierTiesUp(x, multiplier, shift)
            : multiplyByQuantizedMultiplier(x, multiplier, shift)
        output[i] = Output(truncatingIfNeeded: min(max(scaled &+ outputZeroPoint, low), high))
        i += 1
    }
}
