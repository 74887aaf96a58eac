/// Keras GlobalAveragePooling2D followed by Reshape to 1 x 1 x C.
final class GlobalAveragePoolLayer: Layer {
    let input: TensorSlot
    let output: TensorSlot
    var accumulatesInputGradient = [false]

    init(input: TensorSlot, output: TensorSlot) {
        self.input = input
        self.output = output
    }

    var inputs: [TensorSlot] { [input] }
    var outputs: [TensorSlot] { [output] }

    func forward(_ context: WorkerContext) {
        let C = input.channels, pixels = input.pixelsPerImage
        for n in 0..<context.images {
            let source = input.values(context) + n * input.elementsPerImage
            let target = output.values(context) + n * C
            target.update(repeating: 0, count: C)
            for p in 0..<pixels {
                for c in 0..<C { target[c] += source[p * C + c] }
            }
            for c in 0..<C { target[c] /= Float(pixels) }
        }
    }

    func backward(_ context: WorkerContext) {
        let C = input.channels, pixels = input.pixelsPerImage, share = 1 / Float(pixels)
        for n in 0..<context.images {
            let source = output.gradients(context) + n * C
            let target = input.gradients(context) + n * input.elementsPerImage
            for p in 0..<pixels {
                for c in 0..<C {
                    let value = source[c] * share
                    target[p * C + c] = accumulatesInputGradient[0] ? target[p * C + c] + value : value
                }
            }
        }
    }
}
