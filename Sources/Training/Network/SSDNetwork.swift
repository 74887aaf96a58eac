import Detection

/// The model zoo's SSD-MobileNet-v1 as a float32 network that trains: forward passes (training
/// or inference batch normalization), backward passes, and its parameters in flat buffers laid
/// out by `parameterTable`.
///
/// Buffers live as long as the network; the pointers handed out stay valid until then. All
/// activation, gradient and scratch memory is allocated in `init` for `maxBatch` images.
public final class SSDNetwork {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case batchOutOfRange(batch: Int, maxBatch: Int)
        case imageCountMismatch(expected: Int, actual: Int)
        case gradientCountMismatch(name: String, expected: Int, actual: Int)
        case noTrainingForward

        public var description: String {
            switch self {
            case .batchOutOfRange(let batch, let maxBatch):
                return "batch of \(batch) images: the network was built for 1 to \(maxBatch); build it with a larger maxBatch"
            case .imageCountMismatch(let expected, let actual):
                return "the images hold \(actual) floats; the batch needs \(expected) (batch x size x size x 3)"
            case .gradientCountMismatch(let name, let expected, let actual):
                return "\(name) holds \(actual) floats; the last forward pass produced \(expected)"
            case .noTrainingForward:
                return "backward needs a forward pass in training mode first"
            }
        }
    }

    public let architecture: SSDArchitecture
    public let maxBatch: Int
    /// Names, shapes and offsets of every tensor in `parameters`, `gradients` and `movingStatistics`.
    public let parameterTable: ParameterTable
    let engine: NetworkEngine
    let graph: SSDGraph
    /// The batch of the last forward pass.
    public private(set) var batch = 0

    /// Builds the network with Keras' initial values (glorot-uniform MobileNet kernels, he-normal
    /// SSD kernels as the zoo's code, drawn from `seed`). `threads` workers split each batch.
    public init(architecture: SSDArchitecture, maxBatch: Int, threads: Int = 2, seed: UInt64) {
        self.architecture = architecture
        self.maxBatch = max(maxBatch, 1)
        graph = SSDGraph(architecture, maxBatch: self.maxBatch)
        engine = graph.builder.makeEngine(threads: threads, seed: seed)
        parameterTable = engine.table
    }

    /// Trainable values (kernels, biases, batch-norm gamma and beta) at the table's offsets.
    public var parameters: UnsafeMutableBufferPointer<Float> { engine.parameters.buffer }
    /// Gradients of the trainable values, same layout; backward adds to them.
    public var gradients: UnsafeMutableBufferPointer<Float> { engine.parameterGradients.buffer }
    /// Batch-norm moving means and variances at the table's offsets of those roles.
    public var movingStatistics: UnsafeMutableBufferPointer<Float> { engine.movingStatistics.buffer }

    public func zeroGradients() { engine.parameterGradients.zero() }

    /// Worker threads splitting each batch.
    public var threads: Int { engine.workers }
    /// Bytes of activation, gradient, scratch and parameter memory allocated for `maxBatch`.
    public var allocatedBytes: Int { engine.allocatedBytes }

    /// Starts (or, with false, stops) adding up each layer's time on worker 0.
    public func recordLayerTimes(_ enabled: Bool) {
        engine.layerTimes = enabled ? ([Double](repeating: 0, count: engine.layers.count),
                                       [Double](repeating: 0, count: engine.layers.count)) : nil
    }

    /// Seconds spent per layer since `recordLayerTimes(true)`: the layer's output name, forward, backward.
    public var layerTimes: [(layer: String, forward: Double, backward: Double)] {
        guard let times = engine.layerTimes else { return [] }
        return engine.layers.indices.map { index in
            let layer = engine.layers[index]
            let name = layer.outputs.first?.name ?? "output of \(layer.inputs[0].name)"
            return (name, times.forward[index], times.backward[index])
        }
    }

    /// Keras' BatchNormalization epsilon, which anything folding the moving statistics must use.
    public static var batchNormalizationEpsilon: Double { BatchNormalization.epsilon }

    /// Columns of `classLogits`: background first, then the object classes.
    public var classesPerAnchor: Int { architecture.classCount + 1 }

    /// Runs `batch` images (NHWC, `batch x size x size x 3`, already scaled to [-1, 1]). In
    /// training mode batch normalization uses the batch's statistics and moves the moving ones.
    public func forward(images: UnsafeBufferPointer<Float>, batch: Int, training: Bool) throws(Error) {
        guard batch >= 1 && batch <= maxBatch else { throw .batchOutOfRange(batch: batch, maxBatch: maxBatch) }
        let size = architecture.inputSize, expected = batch * size * size * 3
        guard images.count == expected, let base = images.baseAddress else {
            throw .imageCountMismatch(expected: expected, actual: images.count)
        }
        engine.forward(images: base, batch: batch, training: training)
        self.batch = batch
    }

    /// `[batch, anchorCount, classesPerAnchor]` logits of the last forward pass (softmax not applied).
    public var classLogits: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: graph.classLogits.values.base, count: batch * graph.classLogits.elementsPerImage)
    }

    /// `[batch, anchorCount, 4]` box offsets of the last forward pass.
    public var boxOffsets: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: graph.boxOffsets.values.base, count: batch * graph.boxOffsets.elementsPerImage)
    }

    /// Back-propagates the loss gradients of the last (training-mode) forward pass's outputs and
    /// adds the parameter gradients to `gradients` (call `zeroGradients()` between steps).
    public func backward(classLogitGradients: UnsafeBufferPointer<Float>,
                         boxOffsetGradients: UnsafeBufferPointer<Float>) throws(Error) {
        guard let trainingBatch = engine.trainingBatch else { throw .noTrainingForward }
        let classCount = trainingBatch * graph.classLogits.elementsPerImage
        let boxCount = trainingBatch * graph.boxOffsets.elementsPerImage
        guard classLogitGradients.count == classCount, let classBase = classLogitGradients.baseAddress else {
            throw .gradientCountMismatch(name: "classLogitGradients", expected: classCount,
                                         actual: classLogitGradients.count)
        }
        guard boxOffsetGradients.count == boxCount, let boxBase = boxOffsetGradients.baseAddress else {
            throw .gradientCountMismatch(name: "boxOffsetGradients", expected: boxCount, actual: boxOffsetGradients.count)
        }
        graph.classLogits.gradients = classBase
        graph.boxOffsets.gradients = boxBase
        engine.backward()
        graph.classLogits.gradients = nil
        graph.boxOffsets.gradients = nil
    }
}
