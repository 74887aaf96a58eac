/// Keras ZeroPadding2D: the input surrounded by zero rows and columns.
final class ZeroPadLayer: Layer {
    let input: TensorSlot
    let output: TensorSlot
    let top: Int
    let left: Int
    var accumulatesInputGradient = [false]

    init(input: TensorSlot, output: TensorSlot, top: Int, left: Int) {
        self.input = input
        self.output = output
        self.top = top
        self.left = left
    }

    var inputs: [TensorSlot] { [input] }
    var outputs: [TensorSlot] { [output] }

    func forward(_ context: WorkerContext) {
        let source = input.values(context), target = output.values(context)
        let C = input.channels, rowLength = input.width * C
        target.update(repeating: 0, count: context.images * output.elementsPerImage)
        for n in 0..<context.images {
            for y in 0..<input.height {
                (target + n * output.elementsPerImage + ((y + top) * output.width + left) * C)
                    .update(from: source + n * input.elementsPerImage + y * rowLength, count: rowLength)
            }
        }
    }

    func backward(_ context: WorkerContext) {
        let source = output.gradients(context), target = input.gradients(context)
        let C = input.channels, rowLength = input.width * C
        for n in 0..<context.images {
            for y in 0..<input.height {
                let from = source + n * output.elementsPerImage + ((y + top) * output.width + left) * C
                let to = target + n * input.elementsPerImage + y * rowLength
                if accumulatesInputGradient[0] {
                    for i in 0..<rowLength { to[i] += from[i] }
                } else {
                    to.update(from: from, count: rowLength)
                }
            }
        }
    }
}
