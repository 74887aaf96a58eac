/// A network output shared by all workers: `[batch, elementsPerImage]` values, and while
/// backward runs the caller's gradient of them.
final class OutputArray {
    let elementsPerImage: Int
    let values: FloatBuffer
    var gradients: UnsafePointer<Float>?

    init(elementsPerImage: Int, maxBatch: Int) {
        self.elementsPerImage = elementsPerImage
        values = FloatBuffer(count: elementsPerImage * maxBatch)
    }
}

/// Copies a tensor into its part of an output array (a reshape + concatenation in Keras terms:
/// each image's tensor becomes the rows `offset ..< offset + elements` of that image's output).
final class OutputLayer: Layer {
    let input: TensorSlot
    let destination: OutputArray
    let offset: Int
    var accumulatesInputGradient = [false]

    init(input: TensorSlot, destination: OutputArray, offset: Int) {
        self.input = input
        self.destination = destination
        self.offset = offset
    }

    var inputs: [TensorSlot] { [input] }
    var outputs: [TensorSlot] { [] }

    func forward(_ context: WorkerContext) {
        let count = input.elementsPerImage
        for n in 0..<context.images {
            (destination.values.base + (context.firstImage + n) * destination.elementsPerImage + offset)
                .update(from: input.values(context) + n * count, count: count)
        }
    }

    func backward(_ context: WorkerContext) {
        guard let gradients = destination.gradients else { return }
        let count = input.elementsPerImage
        for n in 0..<context.images {
            let source = gradients + (context.firstImage + n) * destination.elementsPerImage + offset
            let target = input.gradients(context) + n * count
            if accumulatesInputGradient[0] {
                for i in 0..<count { target[i] += source[i] }
            } else {
                target.update(from: source, count: count)
            }
        }
    }
}
