/// Keras UpSampling2D(2, interpolation: "bilinear"), i.e. TensorFlow's bilinear resize with half-pixel
/// centres: output pixel i samples input coordinate (i + 0.5) / 2 - 0.5, clamped to the edges.
final class UpsampleLayer: Layer {
    let input: TensorSlot
    let output: TensorSlot
    var accumulatesInputGradient = [false]
    /// Per output row and column: the lower and upper source index and the upper one's weight.
    private let rowTaps: [(Int, Int, Float)]
    private let columnTaps: [(Int, Int, Float)]

    init(input: TensorSlot, output: TensorSlot) {
        self.input = input
        self.output = output
        func taps(inputSide: Int, outputSide: Int) -> [(Int, Int, Float)] {
            let scale = Float(inputSide) / Float(outputSide)
            return (0..<outputSide).map { index in
                let position = (Float(index) + 0.5) * scale - 0.5
                let floor = position.rounded(.down)
                let lower = max(Int(floor), 0), upper = min(Int(position.rounded(.up)), inputSide - 1)
                return (lower, upper, position - floor)
            }
        }
        rowTaps = taps(inputSide: input.height, outputSide: output.height)
        columnTaps = taps(inputSide: input.width, outputSide: output.width)
    }

    var inputs: [TensorSlot] { [input] }
    var outputs: [TensorSlot] { [output] }

    func forward(_ context: WorkerContext) {
        let C = input.channels
        for n in 0..<context.images {
            let source = input.values(context) + n * input.elementsPerImage
            let target = output.values(context) + n * output.elementsPerImage
            for (y, (top, bottom, wy)) in rowTaps.enumerated() {
                for (x, (left, right, wx)) in columnTaps.enumerated() {
                    let out = target + (y * output.width + x) * C
                    let a = source + (top * input.width + left) * C, b = source + (top * input.width + right) * C
                    let c = source + (bottom * input.width + left) * C, d = source + (bottom * input.width + right) * C
                    for ch in 0..<C {
                        let upper = a[ch] + (b[ch] - a[ch]) * wx, lower = c[ch] + (d[ch] - c[ch]) * wx
                        out[ch] = upper + (lower - upper) * wy
                    }
                }
            }
        }
    }

    func backward(_ context: WorkerContext) {
        let C = input.channels
        if !accumulatesInputGradient[0] {
            input.gradients(context).update(repeating: 0, count: context.images * input.elementsPerImage)
        }
        for n in 0..<context.images {
            let source = output.gradients(context) + n * output.elementsPerImage
            let target = input.gradients(context) + n * input.elementsPerImage
            for (y, (top, bottom, wy)) in rowTaps.enumerated() {
                for (x, (left, right, wx)) in columnTaps.enumerated() {
                    let gradient = source + (y * output.width + x) * C
                    let a = target + (top * input.width + left) * C, b = target + (top * input.width + right) * C
                    let c = target + (bottom * input.width + left) * C, d = target + (bottom * input.width + right) * C
                    for ch in 0..<C {
                        let g = gradient[ch]
                        a[ch] += g * (1 - wy) * (1 - wx)
                        b[ch] += g * (1 - wy) * wx
                        c[ch] += g * wy * (1 - wx)
                        d[ch] += g * wy * wx
                    }
                }
            }
        }
    }
}
