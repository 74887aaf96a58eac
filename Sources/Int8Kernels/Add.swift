/// Fixed-point parameters of a quantized ADD (TFLite's 8-bit general path): both inputs are
/// shifted left by `leftShift`, rescaled to a common scale, summed and rescaled to the output.
public struct AdditionQuantization: Equatable, Sendable {
    public var inputOffsetA: Int32
    public var inputOffsetB: Int32
    public var leftShift: Int32
    public var multiplierA: Int32
    public var shiftA: Int32
    public var multiplierB: Int32
    public var shiftB: Int32
    public var outputMultiplier: Int32
    public var outputShift: Int32
    public var outputZeroPoint: Int32
    public var activationMin: Int32
    public var activationMax: Int32

    public init(inputOffsetA: Int32, inputOffsetB: Int32, leftShift: Int32, multiplierA: Int32, shiftA: Int32,
                multiplierB: Int32, shiftB: Int32, outputMultiplier: Int32, outputShift: Int32,
                outputZeroPoint: Int32, activationMin: Int32, activationMax: Int32) {
        self.inputOffsetA = inputOffsetA
        self.inputOffsetB = inputOffsetB
        self.leftShift = leftShift
        self.multiplierA = multiplierA
        self.shiftA = shiftA
        self.multiplierB = multiplierB
        self.shiftB = shiftB
        self.outputMultiplier = outputMultiplier
        self.outputShift = outputShift
        self.outputZeroPoint = outputZeroPoint
        self.activationMin = activationMin
        self.activationMax = activationMax
    }

    @inline(__always)
    func add(_ a: Int8, _ b: Int8) -> Int8 {
        let scaledA = multiplyByQuantizedMultiplier((Int32(a) &+ inputOffsetA) &* (1 << leftShift), multiplierA, shiftA)
        let scaledB = multiplyByQuantizedMultiplier((Int32(b) &+ inputOffsetB) &* (1 << leftShift), multiplierB, shiftB)
        let sum = multiplyByQuantizedMultiplier(scaledA &+ scaledB, outputMultiplier, outputShift) &+ outputZeroPoint
        return Int8(truncatingIfNeeded: min(max(sum, activationMin), activationMax))
    }
}

/// int8 ADD of two same-shape tensors.
public func addInt8(count: Int, _ q: AdditionQuantization, a: UnsafePointer<Int8>, b: UnsafePointer<Int8>,
                    output: UnsafeMutablePointer<Int8>) {
    for i in 0..<count { output[i] = q.add(a[i], b[i]) }
}

/// int8 ADD with broadcasting.
public func addInt8(_ layout: BroadcastLayout, _ q: AdditionQuantization, a: UnsafePointer<Int8>,
                    b: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>) {
    forEachBroadcastOffsets(outputDims: layout.outputDims, stridesA: layout.stridesA, stridesB: layout.stridesB) { o, i, j in
        output[o] = q.add(a[i], b[j])
    }
}

/// float32 ADD of two same-shape tensors with an activation clamp.
public func addFloat(count: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, activationMin: Float,
                     activationMax: Float, output: UnsafeMutablePointer<Float>) {
    for i in 0..<count { output[i] = min(max(a[i] + b[i], activationMin), activationMax) }
}

/// float32 ADD with broadcasting and an activation clamp.
public func addFloat(_ layout: BroadcastLayout, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     activationMin: Float, activationMax: Float, output: UnsafeMutablePointer<Float>) {
    forEachBroadcastOffsets(outputDims: layout.outputDims, stridesA: layout.stridesA, stridesB: layout.stridesB) { o, i, j in
        output[o] = min(max(a[i] + b[j], activationMin), activationMax)
    }
}
