/// One step of the network's graph. Each worker calls it on its own slice of the batch; steps
/// that need whole-batch statistics meet through `context.team`.
protocol Layer: AnyObject {
    var inputs: [TensorSlot] { get }
    var outputs: [TensorSlot] { get }
    /// Values the layer keeps between forward and backward that no other layer reads.
    var internals: [TensorSlot] { get }
    /// Per input: whether backward adds to that input's gradient (another consumer already wrote
    /// it) or overwrites it. Set by the engine's plan from the order of consumers.
    var accumulatesInputGradient: [Bool] { get set }
    /// Floats of the worker's scratch area one call needs, for `images` images.
    func scratchCount(images: Int) -> Int
    /// Reads `inputs`, writes `outputs`; in training also records what backward needs.
    func forward(_ context: WorkerContext)
    /// Reads the outputs' gradients (and may overwrite them: they are dead afterwards), writes or
    /// adds the inputs' gradients and this worker's share of the parameter gradients.
    func backward(_ context: WorkerContext)
}

extension Layer {
    var internals: [TensorSlot] { [] }
    func scratchCount(images: Int) -> Int { 0 }
}

/// What a layer needs to run its part of a step on one worker.
struct WorkerContext {
    let worker: Int
    let team: WorkerTeam
    /// Images of this worker's slice (starting at batch image `firstImage`), and of the whole
    /// batch (batch statistics divide by it).
    let firstImage: Int
    let images: Int
    let batchImages: Int
    let training: Bool
    /// This worker's activation, gradient and scratch arenas.
    let values: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutablePointer<Float>
    /// Per-worker record of each batch-normalization layer's batch mean and inverse deviation.
    let statistics: UnsafeMutablePointer<Float>
    /// Per-channel Double partial sums, `reductionCapacity` of them.
    let sums: UnsafeMutablePointer<Double>
    /// Trainable values and moving statistics, shared by all workers; only worker 0 writes the latter.
    let parameters: UnsafeMutablePointer<Float>
    let movingStatistics: UnsafeMutablePointer<Float>
    /// This worker's parameter gradients: worker 0 adds to the caller's buffer, the others write
    /// their own buffers, which the engine adds in at the end of backward.
    let parameterGradients: UnsafeMutablePointer<Float>
    let accumulatesParameterGradients: Bool

    /// Adds or writes a parameter gradient value as this worker must.
    @inline(__always)
    func storeParameterGradient(_ value: Float, at index: Int) {
        parameterGradients[index] = accumulatesParameterGradients ? parameterGradients[index] + value : value
    }

    /// The `beta` a GEMM writing a parameter gradient passes.
    var parameterGradientBeta: Float { accumulatesParameterGradients ? 1 : 0 }
}

/// A layer ending in batch normalizations: the engine gives each a place for its statistics.
protocol NormalizedLayer: Layer {
    var normalizations: [BatchNormalization] { get set }
}
