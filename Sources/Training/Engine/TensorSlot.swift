/// One activation of the network, per image `height x width x channels` floats (NHWC). Each
/// worker keeps the values of its images in its own arena at `valueOffset`, and their gradient
/// in its gradient arena at `gradientOffset` while backward needs it.
final class TensorSlot {
    let name: String
    let height: Int
    let width: Int
    let channels: Int
    /// False for the network input: nothing asks for its gradient.
    var needsGradient: Bool
    var valueOffset = 0
    var gradientOffset = 0

    init(name: String, height: Int, width: Int, channels: Int, needsGradient: Bool = true) {
        self.name = name
        self.height = height
        self.width = width
        self.channels = channels
        self.needsGradient = needsGradient
    }

    var pixelsPerImage: Int { height * width }
    var elementsPerImage: Int { height * width * channels }

    func values(_ context: WorkerContext) -> UnsafeMutablePointer<Float> { context.values + valueOffset }
    func gradients(_ context: WorkerContext) -> UnsafeMutablePointer<Float> { context.gradients + gradientOffset }
}
