/// Eight floats at any address: channel blocks of NHWC tensors start wherever the channel count puts them.
typealias Float8 = SIMD8<Float>

@_transparent
func load8(_ pointer: UnsafePointer<Float>) -> Float8 {
    UnsafeRawPointer(pointer).loadUnaligned(as: Float8.self)
}

@_transparent
func load8(_ pointer: UnsafeMutablePointer<Float>) -> Float8 {
    UnsafeRawPointer(pointer).loadUnaligned(as: Float8.self)
}

@_transparent
func store8(_ value: Float8, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Float8.self)
}

/// `value` clamped to [0, 6]; written with `replace` because `pointwiseMin/Max` become calls.
@_transparent
func relu6(_ value: Float8) -> Float8 {
    var result = value
    result.replace(with: Float8(repeating: 0), where: result .< Float8(repeating: 0))
    result.replace(with: Float8(repeating: 6), where: result .> Float8(repeating: 6))
    return result
}

@_transparent
func relu6(_ value: Float) -> Float { value < 0 ? 0 : (value > 6 ? 6 : value) }

/// `gradient` where ReLU6 passed its input through (0 < preActivation < 6), else 0, as TensorFlow's Relu6Grad.
@_transparent
func relu6Gradient(_ gradient: Float8, preActivation: Float8) -> Float8 {
    let open = (preActivation .> Float8(repeating: 0)) .& (preActivation .< Float8(repeating: 6))
    return Float8(repeating: 0).replacing(with: gradient, where: open)
}

@_transparent
func relu6Gradient(_ gradient: Float, preActivation: Float) -> Float {
    preActivation > 0 && preActivation < 6 ? gradient : 0
}

/// `count` floats from `source` to `target` (not overlapping) without a library call: the
/// patch copies are a few dozen floats each, where the call would cost more than the copy.
@inline(__always)
func copyFloats(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    while i + 8 <= count {
        store8(load8(source + i), target + i)
        i += 8
    }
    while i < count {
        target[i] = source[i]
        i += 1
    }
}

@inline(__always)
func zeroFloats(_ target: UnsafeMutablePointer<Float>, _ count: Int) {
    var i = 0
    while i + 8 <= count {
        store8(Float8(repeating: 0), target + i)
        i += 8
    }
    while i < count {
        target[i] = 0
        i += 1
    }
}
