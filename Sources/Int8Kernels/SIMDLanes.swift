// Lane-by-lane SIMD helpers. The standard library's SIMD conversions compile to out-of-line
// calls; these loops are the forms LLVM turns into single AVX2 instructions (vpmovsx, vpmaddwd,
// vpackss), and on targets without vectors they are plain scalar code.

/// Unaligned load of `Vector` from `pointer`.
@_transparent
func loadVector<Vector: SIMD>(_ pointer: UnsafeRawPointer, as _: Vector.Type) -> Vector {
    pointer.loadUnaligned(as: Vector.self)
}

/// Unaligned store of `vector` at `pointer`.
@_transparent
func storeVector<Vector: SIMD>(_ vector: Vector, to pointer: UnsafeMutableRawPointer) {
    pointer.storeBytes(of: vector, as: Vector.self)
}

/// Sign-extends 16 int8 lanes to int16 (vpmovsxbw).
@_transparent
func widenToInt16(_ v: SIMD16<Int8>) -> SIMD16<Int16> {
    var r = SIMD16<Int16>()
    for i in 0..<16 { r[i] = Int16(v[i]) }
    return r
}

/// Sign-extends 8 int8 lanes to int16.
@_transparent
func widenToInt16(_ v: SIMD8<Int8>) -> SIMD8<Int16> {
    var r = SIMD8<Int16>()
    for i in 0..<8 { r[i] = Int16(v[i]) }
    return r
}

/// Sign-extends 8 int16 lanes to int32 (vpmovsxwd).
@_transparent
func widenToInt32(_ v: SIMD8<Int16>) -> SIMD8<Int32> {
    var r = SIMD8<Int32>()
    for i in 0..<8 { r[i] = Int32(v[i]) }
    return r
}

/// `a[2i] * b[2i] + a[2i+1] * b[2i+1]` in int32 lanes (vpmaddwd); exact for int8-range inputs.
@_transparent
func multiplyAddPairs(_ a: SIMD16<Int16>, _ b: SIMD16<Int16>) -> SIMD8<Int32> {
    var wideA = SIMD16<Int32>()
    var wideB = SIMD16<Int32>()
    for i in 0..<16 {
        wideA[i] = Int32(a[i])
        wideB[i] = Int32(b[i])
    }
    let products = wideA &* wideB
    var r = SIMD8<Int32>()
    for i in 0..<8 { r[i] = products[2 &* i] &+ products[2 &* i &+ 1] }
    return r
}

/// The int16 pair `pair` (low half first) repeated in all 8 positions, ready for `multiplyAddPairs`.
@_transparent
func broadcastPair(_ pair: Int32) -> SIMD16<Int16> {
    unsafeBitCast(SIMD8<Int32>(repeating: pair), to: SIMD16<Int16>.self)
}

/// Clamps 8 int32 lanes to `[low, high]` (within int8) and narrows them to int8 (vpackss).
@_transparent
func clampToInt8(_ v: SIMD8<Int32>, low: Int32, high: Int32) -> SIMD8<Int8> {
    var r = SIMD8<Int8>()
    for i in 0..<8 { r[i] = Int8(truncatingIfNeeded: min(max(v[i], low), high)) }
    return r
}

/// Sign-extends `count` int8 values to int16, 16 at a time. With `overrun`, the last block
/// reads and writes a whole 16 values past `count` (the caller guarantees both stay inside
/// their buffers), which beats finishing short tails lane by lane.
@inline(__always)
func widenToInt16(_ source: UnsafePointer<Int8>, count: Int, to destination: UnsafeMutablePointer<Int16>,
                  overrun: Bool = false) {
    var i = 0
    while i &+ 16 <= count || (overrun && i < count) {
        storeVector(widenToInt16(loadVector(source + i, as: SIMD16<Int8>.self)), to: destination + i)
        i &+= 16
    }
    if i &+ 8 <= count {
        storeVector(widenToInt16(loadVector(source + i, as: SIMD8<Int8>.self)), to: destination + i)
        i &+= 8
    }
    while i < count {
        destination[i] = Int16(source[i])
        i &+= 1
    }
}

/// Lanes 0...7 of `v`.
@_transparent
func lowHalf(_ v: SIMD16<Int16>) -> SIMD8<Int16> {
    var r = SIMD8<Int16>()
    for i in 0..<8 { r[i] = v[i] }
    return r
}

/// Lanes 8...15 of `v`.
@_transparent
func highHalf(_ v: SIMD16<Int16>) -> SIMD8<Int16> {
    var r = SIMD8<Int16>()
    for i in 0..<8 { r[i] = v[8 + i] }
    return r
}
