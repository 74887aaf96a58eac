import TFLiteFormat

/// Per-tensor asymmetric int8 parameters of an activation from its calibrated range, as the
/// converter's MLIR quantizer derives them: the range widened to hold 0 (`ConvertStatsToQDQs`),
/// then `fakeQuantAttrsToType` with `getNudgedScaleAndZeroPoint` (scale `(max - min) / 255` in
/// double; zero point from whichever of `(min, -128)` and `(max, 127)` adds the smaller rounding
/// error, rounded half away from zero and clamped); a range narrower than double's epsilon gets
/// scale 1 and zero point -128.
public struct AffineQuantization: Equatable, Sendable, Codable {
    public var scale: Float
    public var zeroPoint: Int32

    public init(scale: Float, zeroPoint: Int32) {
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    /// int8 parameters covering `range` (with 0 added to it). With `fusedClamp` (the tensor is the
    /// output of a fused ReLU / ReLU6 / ReLU1), a range too narrow for the kernel's clamp bounds
    /// (6 / scale past 2^30: a dead layer) takes the all-zero parameters instead, since TFLite's
    /// kernels cannot represent the clamp (the converter writes such files; LiteRT's result is then
    /// undefined).
    public init(int8Covering range: ValueRange, fusedClamp: Bool = false) {
        let low = Swift.min(Double(range.min), 0), high = Swift.max(Double(range.max), 0)
        let (qmin, qmax) = (-128.0, 127.0)
        guard abs(high - low) >= Double.ulpOfOne, !fusedClamp || 6 / ((high - low) / 255) < 1_073_741_824 else {
            self.init(scale: 1, zeroPoint: -128)
            return
        }
        let scale = (high - low) / (qmax - qmin)
        let fromMin = qmin - low / scale, fromMinError = abs(qmin) + abs(low / scale)
        let fromMax = qmax - high / scale, fromMaxError = abs(qmax) + abs(high / scale)
        let zero = fromMinError < fromMaxError ? fromMin : fromMax
        let nudged = zero < qmin ? qmin : zero > qmax ? qmax : zero.rounded(.toNearestOrAwayFromZero)
        self.init(scale: Float(scale), zeroPoint: Int32(nudged))
    }

    /// SOFTMAX's int8 output as TFLite's kernel requires it: 1/256, zero point -128.
    public static let softmaxOutput = AffineQuantization(scale: 1.0 / 256, zeroPoint: -128)

    /// The same real values as uint8: zero point + 128 (the model zoo's uint8 input, scale 1/127.5, zero point 127).
    public var asUInt8: AffineQuantization { AffineQuantization(scale: scale, zeroPoint: zeroPoint + 128) }

    var parameters: QuantizationParameters {
        QuantizationParameters(scale: [scale], zeroPoint: [Int64(zeroPoint)])
    }
}
