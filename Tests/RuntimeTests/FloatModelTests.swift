import Foundation
import Testing
import Quantization
import Runtime
import TFLiteFormat
import TestSupport

/// A float32 model of the same graph runs through the float kernels and tracks the int8 model.
@Suite struct FloatModelTests {
    @Test(arguments: Fixtures.modelSizes)
    func floatTwinTracksTheInt8Model(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let quantized = try Interpreter(model: TFLiteModel(bytes: bytes))
        let twin = try FloatTwin(quantized: TFLiteModel(bytes: bytes))
        let float = try Interpreter(model: twin.model)
        #expect(float.tensors.contains { $0.type == .float32 && $0.shape.count == 4 })
        #expect(float.outputs[0].shape == quantized.outputs[0].shape)

        for name in ["image_astronaut", "image_pair", "image_neg_coffee"] {
            guard let input = try Fixtures.bytes(Fixtures.goldenDirectory(size: size).appendingPathComponent("\(name).input.u8")) else { return }
            try quantized.setInput(input)
            try float.setInput(twin.floatInput(fromQuantized: input).withUnsafeBytes { Array($0) })
            quantized.invoke()
            float.invoke()
            let a = Array(quantized.output().bindMemory(to: Float.self))
            let b = Array(float.output().bindMemory(to: Float.self))
            let columns = 10
            var scoreError: Float = 0, offsetError: Float = 0, anchorError: Float = 0
            for row in 0..<(a.count / columns) {
                let base = row * columns
                scoreError = max(scoreError, abs(a[base + 1] - b[base + 1]))
                for k in 2..<6 { offsetError += abs(a[base + k] - b[base + k]) }
                for k in 6..<10 { anchorError = max(anchorError, abs(a[base + k] - b[base + k])) }
            }
            offsetError /= Float(a.count / columns * 4)
            // Anchors are constants: only their int8 rounding separates the two.
            #expect(anchorError <= 0.0049, "\(size) \(name): anchors differ by \(anchorError)")
            #expect(scoreError < 0.1, "\(size) \(name): person scores differ by up to \(scoreError)")
            #expect(offsetError < 0.02, "\(size) \(name): box offsets differ by \(offsetError) on average")
            let bestQuantized = (0..<(a.count / columns)).max { a[$0 * columns + 1] < a[$1 * columns + 1] } ?? 0
            #expect(abs(b[bestQuantized * columns + 1] - a[bestQuantized * columns + 1]) < 0.1)
            print("float twin \(size) \(name): max score difference \(scoreError), mean offset difference \(offsetError)")
        }
    }
}
