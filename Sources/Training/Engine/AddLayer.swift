/// Keras Add of two tensors of the same shape: the top-down merges.
final class AddLayer: Layer {
    let first: TensorSlot
    let second: TensorSlot
    let output: TensorSlot
    var accumulatesInputGradient = [false, false]

    init(_ first: TensorSlot, _ second: TensorSlot, output: TensorSlot) {
        self.first = first
        self.second = second
        self.output = output
    }

    var inputs: [TensorSlot] { [first, second] }
    var outputs: [TensorSlot] { [output] }

    func forward(_ context: WorkerContext) {
        let a = first.values(context), b = second.values(context), sum = output.values(context)
        for i in 0..<context.images * output.elementsPerImage { sum[i] = a[i] + b[i] }
    }

    func backward(_ context: WorkerContext) {
        pass(to: first, accumulate: accumulatesInputGradient[0], context)
        pass(to: second, accumulate: accumulatesInputGradient[1], context)
    }

    private func pass(to slot: TensorSlot, accumulate: Bool, _ context: WorkerContext) {
        guard slot.needsGradient else { return }
        let gradient = output.gradients(context), count = context.images * output.elementsPerImage
        let target = slot.gradients(context)
        if accumulate {
            for i in 0..<count { target[i] += gradient[i] }
        } else {
            target.update(from: gradient, count: count)
        }
    }
}
