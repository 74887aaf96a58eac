import Foundation
import Testing
import Quantization
import Runtime
import TFLiteFormat

/// TinySSD's float network (the exported checkpoint, run by the runtime's float kernels) computes
/// what the model zoo's Keras model computes on the same weights: within 1e-4 relative on the first
/// synthetic validation image (`scripts/record-keras-forward.sh` records Keras's output).
@Suite struct KerasForwardTests {
    @Test func ourFloatNetworkIsKeras() throws {
        let (float, _, pixels) = try LiteRTParityTests.prepared.get()
        let interpreter = try Interpreter(model: float.model)
        try interpreter.setInput(pixels.flatMap { p in withUnsafeBytes(of: Float(Double(p) / 127.5 - 1).bitPattern.littleEndian, Array.init) })
        interpreter.invoke()
        let ours = Array(interpreter.output().bindMemory(to: Float.self))
        let url = QuantizationFixtures.resources.appendingPathComponent("keras-forward-shapes-192.f32")
        let bytes = [UInt8](try Data(contentsOf: url))
        let keras = stride(from: 0, to: bytes.count - 3, by: 4).map {
            Float(bitPattern: UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24)
        }
        #expect(ours.count == keras.count && ours.count == 3830 * 14)
        let worst = zip(ours, keras).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        print("float network against Keras: largest relative difference \(worst)")
        #expect(worst <= 1e-4)
        // Not a constant output: scores, offsets and anchors all vary.
        #expect(Set(keras.prefix(14 * 200)).count > 1000)
    }
}
