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

/// The byte `c` for which QUANTIZE between 8-bit types with these parameters maps every input
/// byte `b` to `b &+ c` in both of its roundings (so any split into blocks gives the same bytes),
/// or nil. The model's input QUANTIZE (uint8 zero point 127 to int8 zero point -1, same scale)
/// is such a map: `b - 128`.
public func requantizationByteOffset<Input: FixedWidthInteger, Output: FixedWidthInteger>(
    from _: Input.Type, to _: Output.Type, inputZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int32
) -> UInt8? {
    guard Input.bitWidth == 8, Output.bitWidth == 8 else { return nil }
    let low = Int32(Output.min), high = Int32(Output.max)
    var offset: UInt8?
    for byte in 0...255 {
        // The per-value arithmetic of `requantize` in both roundings.
        let x = Int32(Input(truncatingIfNeeded: byte)) &- inputZeroPoint
        let tiesUp = min(max(multiplyByQuantizedMultiplierTiesUp(x, multiplier, shift) &+ outputZeroPoint, low), high)
        let other = min(max(multiplyByQuantizedMultiplier(x, multiplier, shift) &+ outputZeroPoint, low), high)
        let candidate = UInt8(truncatingIfNeeded: tiesUp) &- UInt8(byte)
        guard tiesUp == other, offset == nil || offset == candidate else { return nil }
        offset = candidate
    }
    return offset
}

/// `output[i] = input[i] &+ offset` for `count` bytes: QUANTIZE when `requantizationByteOffset` finds an offset.
public func addByteOffset(count: Int, offset: UInt8, input: UnsafeRawPointer, output: UnsafeMutableRawPointer) {
    let step = SIMD32<UInt8>(repeating: offset)
    var i = 0
    while i &+ 32 <= count {
        storeVector(loadVector(input + i, as: SIMD32<UInt8>.self) &+ step, to: output + i)
        i &+= 32
    }
    while i < count {
        output.storeBytes(of: input.load(fromByteOffset: i, as: UInt8.self) &+ offset, toByteOffset: i, as: UInt8.self)
        i &+= 1
    }
}
