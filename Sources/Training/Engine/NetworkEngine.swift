import COpenBLAS

/// Runs a graph of layers forward and backward over batches of up to `maxBatch` images with
/// `threads` workers, each taking a contiguous slice of the batch. Every buffer a step touches is
/// planned and allocated here, once.
final class NetworkEngine: TeamJob {
    let input: TensorSlot
    let layers: [Layer]
    let outputs: [OutputArray]
    let table: ParameterTable
    let maxBatch: Int
    let team: WorkerTeam
    /// Trainable values, their gradients (same layout) and the moving statistics.
    let parameters: FloatBuffer
    let parameterGradients: FloatBuffer
    let movingStatistics: FloatBuffer
    /// The input's gradient for the last backward pass, `[batch, input elements]`, when the
    /// input slot asks for one (gradient checks do).
    let inputGradient: FloatBuffer?
    private let arenas: [WorkerArena]
    private let reductionCapacity: Int

    private var stepImages: UnsafePointer<Float>?
    private var stepBatch = 0
    private var stepTraining = false
    private var stepBackward = false
    /// The batch of the last training-mode forward pass, which backward differentiates.
    private(set) var trainingBatch: Int?
    /// When set, worker 0 adds each layer's forward and backward time here (seconds, by layer index).
    var layerTimes: (forward: [Double], backward: [Double])?

    /// What each worker owns.
    private struct WorkerArena {
        let values: FloatBuffer
        let gradients: FloatBuffer
        let scratch: FloatBuffer
        let statistics: FloatBuffer
        let sums: DoubleBuffer
        /// Workers other than 0 collect their parameter gradients here.
        let parameterGradients: FloatBuffer?
    }

    init(input: TensorSlot, layers: [Layer], outputs: [OutputArray], table: ParameterTable, maxBatch: Int, threads: Int) {
        self.input = input
        self.layers = layers
        self.outputs = outputs
        self.table = table
        self.maxBatch = max(maxBatch, 1)
        let workers = max(1, min(threads, self.maxBatch))
        let capacity = (self.maxBatch + workers - 1) / workers

        var valuePlan = ArenaPlanner()
        input.valueOffset = valuePlan.allocate(capacity * input.elementsPerImage)
        var statisticsCount = 0, channels = 1, scratchCount = 0
        for layer in layers {
            for slot in layer.outputs + layer.internals {
                slot.valueOffset = valuePlan.allocate(capacity * slot.elementsPerImage)
            }
            if let normalized = layer as? NormalizedLayer {
                var normalizations = normalized.normalizations
                for index in normalizations.indices {
                    normalizations[index].statisticsOffset = statisticsCount
                    statisticsCount += BatchNormalization.statisticsCount(channels: normalizations[index].channels)
                    channels = max(channels, normalizations[index].channels)
                }
                normalized.normalizations = normalizations
            }
            scratchCount = max(scratchCount, layer.scratchCount(images: capacity))
        }
        let gradientSize = Self.planGradients(layers: layers, input: input, capacity: capacity)
        reductionCapacity = 3 * channels

        parameters = FloatBuffer(count: table.trainableCount)
        parameterGradients = FloatBuffer(count: table.trainableCount)
        movingStatistics = FloatBuffer(count: table.stateCount)
        inputGradient = input.needsGradient ? FloatBuffer(count: self.maxBatch * input.elementsPerImage) : nil
        arenas = (0..<workers).map { worker in
            WorkerArena(values: FloatBuffer(count: valuePlan.size), gradients: FloatBuffer(count: gradientSize),
                        scratch: FloatBuffer(count: scratchCount), statistics: FloatBuffer(count: statisticsCount),
                        sums: DoubleBuffer(count: 3 * channels),
                        parameterGradients: worker == 0 ? nil : FloatBuffer(count: table.trainableCount))
        }
        team = WorkerTeam(workers: workers, reductionCapacity: reductionCapacity)
    }

    /// Places each gradient in the gradient arena for the span of backward that needs it, and
    /// tells each layer which input gradients it writes first (the rest it adds to). Returns
    /// the arena's size in floats.
    private static func planGradients(layers: [Layer], input: TensorSlot, capacity: Int) -> Int {
        var plan = ArenaPlanner()
        var placed = Set<ObjectIdentifier>()
        if input.needsGradient {
            input.gradientOffset = plan.allocate(capacity * input.elementsPerImage)
            placed.insert(ObjectIdentifier(input))
        }
        for layer in layers.reversed() {
            var flags = layer.accumulatesInputGradient
            for (index, slot) in layer.inputs.enumerated() where slot.needsGradient {
                if placed.insert(ObjectIdentifier(slot)).inserted {
                    slot.gradientOffset = plan.allocate(capacity * slot.elementsPerImage)
                    flags[index] = false
                } else {
                    flags[index] = true
                }
            }
            layer.accumulatesInputGradient = flags
            for slot in layer.outputs where slot !== input {
                precondition(placed.contains(ObjectIdentifier(slot)), "\(slot.name) is computed but never used")
                plan.free(slot.gradientOffset, capacity * slot.elementsPerImage)
            }
        }
        return plan.size
    }

    /// Each worker calls BLAS from its own thread, and BLAS threads of their own would only fight
    /// them; a lone worker's GEMMs (batch 1) are too small to gain from them (measured: twice the
    /// CPU time for nothing). Set before every step, as other code may have changed it.
    private static func keepBLASSingleThreaded() {
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
    }

    var workers: Int { arenas.count }

    /// Bytes of activations, gradients, scratch and parameters this engine holds.
    var allocatedBytes: Int {
        let perWorker = arenas.reduce(0) { total, arena in
            total + 4 * (arena.values.count + arena.gradients.count + arena.scratch.count + arena.statistics.count
                + (arena.parameterGradients?.count ?? 0)) + 8 * arena.sums.count
        }
        return perWorker + 4 * (parameters.count + parameterGradients.count + movingStatistics.count
            + outputs.reduce(0) { $0 + $1.values.count } + (inputGradient?.count ?? 0))
    }

    /// Runs the layers on `batch` images (`batch * input.elementsPerImage` floats, NHWC).
    /// Callers check `batch <= maxBatch`.
    func forward(images: UnsafePointer<Float>, batch: Int, training: Bool) {
        stepImages = images
        stepBatch = batch
        stepTraining = training
        stepBackward = false
        Self.keepBLASSingleThreaded()
        team.run(self)
        stepImages = nil
        trainingBatch = training ? batch : nil
    }

    /// Back-propagates the gradients set on `outputs` through the last training forward pass
    /// and adds the parameter gradients to `parameterGradients`.
    func backward() {
        guard let batch = trainingBatch else { return }
        stepBatch = batch
        stepTraining = true
        stepBackward = true
        Self.keepBLASSingleThreaded()
        team.run(self)
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    func run(worker: Int) {
        let arena = arenas[worker]
        let slice = WorkerTeam.slice(stepBatch, part: worker, of: workers)
        let context = WorkerContext(
            worker: worker, team: team, firstImage: slice.lowerBound, images: slice.count, batchImages: stepBatch,
            training: stepTraining, values: arena.values.base, gradients: arena.gradients.base,
            scratch: arena.scratch.base, statistics: arena.statistics.base, sums: arena.sums.base,
            parameters: parameters.base, movingStatistics: movingStatistics.base,
            parameterGradients: arena.parameterGradients?.base ?? parameterGradients.base,
            accumulatesParameterGradients: worker == 0)
        guard stepBackward else {
            if let images = stepImages {
                input.values(context).update(from: images + slice.lowerBound * input.elementsPerImage,
                                             count: slice.count * input.elementsPerImage)
            }
            guard worker == 0 && layerTimes != nil else {
                for layer in layers { layer.forward(context) }
                return
            }
            for (index, layer) in layers.enumerated() {
                let start = ContinuousClock.now
                layer.forward(context)
                layerTimes?.forward[index] += seconds(ContinuousClock.now - start)
            }
            return
        }
        if worker == 0 && layerTimes != nil {
            for index in layers.indices.reversed() {
                let start = ContinuousClock.now
                layers[index].backward(context)
                layerTimes?.backward[index] += seconds(ContinuousClock.now - start)
            }
        } else {
            for layer in layers.reversed() { layer.backward(context) }
        }
        if let inputGradient {
            (inputGradient.base + slice.lowerBound * input.elementsPerImage)
                .update(from: input.gradients(context), count: slice.count * input.elementsPerImage)
        }
        guard workers > 1 else { return }
        team.barrier(worker: worker)
        let range = WorkerTeam.slice(parameterGradients.count, part: worker, of: workers)
        let total = parameterGradients.base
        for other in arenas.dropFirst() {
            guard let partial = other.parameterGradients?.base else { continue }
            for index in range { total[index] += partial[index] }
        }
    }
}
