import TFLiteFormat

/// Runs a `.tflite` model with TFLite's integer semantics.
///
/// Loading prepares every operator once (shapes, kernel parameters, constant folding), removes
/// pure copies (PAD into convolutions, RESHAPE views, in-place CONCATENATION) and plans one
/// activation arena; `invoke()` then only calls kernels.
///
/// ```swift
/// let interpreter = try Interpreter(model: TFLiteModel(bytes: fileBytes))
/// try interpreter.setInput(imageBytes)
/// interpreter.invoke()
/// let scores = interpreter.output()
/// ```
///
/// The arena is shared: `invoke()` may overwrite the input (the first operator runs in place)
/// and intermediate tensors. Set `Options.preserveAllTensors` to keep every tensor readable.
public final class Interpreter {
    public struct Options: Sendable {
        /// Gives every tensor its own memory and keeps every operator, so `tensorData` can read
        /// each one after a run (for debugging against LiteRT's tensor dumps).
        public var preserveAllTensors = false
        /// The most bytes of constants, and of activations, a model may need.
        public var memoryLimit = 1 << 30
        /// Threads that share each large step (the caller's included). Results do not depend on it.
        public var threads = 1

        public init(preserveAllTensors: Bool = false, memoryLimit: Int = 1 << 30, threads: Int = 1) {
            self.preserveAllTensors = preserveAllTensors
            self.memoryLimit = memoryLimit
            self.threads = threads
        }
    }

    public let model: TFLiteModel
    public let options: Options
    /// Every tensor of the main subgraph with its inferred static shape.
    public let tensors: [TensorInfo]
    public let inputs: [TensorInfo]
    public let outputs: [TensorInfo]
    /// One entry per operator of the file, in execution order.
    public let operators: [OperatorSummary]
    /// Bytes of the activation arena: input, output, every intermediate tensor and scratch.
    public var arenaBytes: Int { arena.byteCount }
    /// The most bytes of activations live at once if every tensor of the file had its own buffer
    /// for exactly its lifetime: what a plain allocation of the graph needs.
    public let liveTensorPeakBytes: Int

    let steps: [PlannedStep]
    let plan: MemoryPlan
    private let constants: [Int: AlignedBuffer]
    let arena: AlignedBuffer
    let memory: TensorMemory
    private let workers: WorkerPool
    /// For each step shared between threads, the job each thread runs; made once so a run allocates nothing.
    private let parallelJobs: [(@Sendable (Int) -> Void)?]

    public init(model: TFLiteModel, options: Options = Options()) throws(RuntimeError) {
        let graph = try GraphBuilder(model: model, memoryLimit: options.memoryLimit)
        self.model = model
        self.options = options
        tensors = graph.tensors
        inputs = graph.inputs.map { graph.tensors[$0] }
        outputs = graph.outputs.map { graph.tensors[$0] }
        operators = graph.summaries
        constants = graph.constants
        liveTensorPeakBytes = Self.livePeak(steps: graph.steps, tensors: graph.tensors, inputs: graph.inputs,
                                            outputs: graph.outputs, constants: Set(graph.constants.keys))

        if options.preserveAllTensors {
            steps = graph.steps
            plan = MemoryPlan.separate(steps: steps, tensors: tensors, inputs: graph.inputs, threads: max(options.threads, 1))
        } else {
            let elimination = CopyElimination(steps: graph.steps, tensors: graph.tensors,
                                              constants: Set(graph.constants.keys), graphOutputs: Set(graph.outputs))
            steps = elimination.steps
            plan = MemoryPlan.shared(steps: steps, tensors: tensors, inputs: graph.inputs, outputs: graph.outputs,
                                     constants: Set(graph.constants.keys), aliases: elimination.aliases,
                                     threads: max(options.threads, 1))
        }
        guard plan.arenaBytes <= options.memoryLimit else {
            throw .tooLarge(what: "activation arena", bytes: plan.arenaBytes, limit: options.memoryLimit)
        }
        arena = AlignedBuffer(byteCount: plan.arenaBytes)
        var pointers = [UnsafeMutableRawPointer?](repeating: nil, count: graph.tensors.count)
        for (tensor, buffer) in graph.constants { pointers[tensor] = buffer.pointer }
        for (tensor, offset) in plan.offsets { pointers[tensor] = arena.pointer + offset }
        let memory = TensorMemory(pointers: pointers, scratch: arena.pointer + plan.scratchOffset, scratchStride: plan.scratchStride)
        self.memory = memory
        workers = WorkerPool(threads: options.threads)
        let (threads, plan, steps, tensors) = (workers.threadCount, plan, steps, tensors)
        parallelJobs = steps.indices.map { index -> (@Sendable (Int) -> Void)? in
            let step = steps[index]
            guard threads > 1, !plan.inPlaceSteps.contains(index), step.isWorthSplitting(tensors: tensors),
                  let partitioned = step.kernel as? RowPartitionedStep, partitioned.rowCount >= threads else { return nil }
            return { part in
                partitioned.run(memory.forPart(part), rows: WorkerPool.slice(partitioned.rowCount, part: part, of: threads))
            }
        }
    }

    /// Copies raw little-endian bytes into input `index`.
    public func setInput(_ bytes: some Collection<UInt8>, index: Int = 0) throws(RuntimeError) {
        let destination = input(index)
        guard bytes.count == destination.count else {
            throw .inputSize(inputIndex: index, expectedBytes: destination.count, actualBytes: bytes.count)
        }
        destination.copyBytes(from: bytes)
    }

    /// The writable bytes of input `index`, to fill in place before each `invoke()`.
    public func input(_ index: Int = 0) -> UnsafeMutableRawBufferPointer {
        let tensor = inputs[index]
        return UnsafeMutableRawBufferPointer(start: memory[tensor.index], count: tensor.byteCount)
    }

    /// Runs every step once.
    public func invoke() {
        for index in steps.indices { runStep(index) }
    }

    /// Time spent in one operator of the plan.
    public struct OperatorTiming: Sendable {
        /// The operator's index in the file.
        public var operatorIndex: Int
        public var code: BuiltinOperator
        /// Median over the profiled runs.
        public var microseconds: Double
    }

    /// Runs the model `runs` times and returns each planned operator's median time, in execution order.
    public func profile(runs: Int) -> [OperatorTiming] {
        var samples = [[Double]](repeating: [], count: steps.count)
        for _ in 0..<max(runs, 1) {
            for index in steps.indices {
                let start = ContinuousClock.now
                runStep(index)
                let elapsed = ContinuousClock.now - start
                samples[index].append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            }
        }
        return steps.indices.map { index in
            let sorted = samples[index].sorted()
            return OperatorTiming(operatorIndex: steps[index].operatorIndex, code: steps[index].code,
                                  microseconds: sorted[sorted.count / 2])
        }
    }

    private func runStep(_ index: Int) {
        let step = steps[index]
        if let job = parallelJobs[index] {
            workers.run(job)
        } else if plan.inPlaceSteps.contains(index), let pixelwise = step.kernel as? PixelwiseStep {
            runInPlace(pixelwise)
        } else {
            step.kernel.run(memory)
        }
    }

    /// Runs a step whose output shares its input's memory: each piece of input is copied to the
    /// scratch area first, and pieces go from the end when the output is larger, so no input is
    /// overwritten before it is read.
    private func runInPlace(_ step: PixelwiseStep) {
        let pieceUnits = MemoryPlan.pieceUnits(step)
        let piece = memory.scratch! + (plan.scratchBytes - pieceUnits * step.inputUnitBytes)
        let input = memory[step.inputTensor]
        let output = memory[step.outputTensor]
        var starts = Array(stride(from: 0, to: step.unitCount, by: pieceUnits))
        if step.outputUnitBytes > step.inputUnitBytes { starts.reverse() }
        for start in starts {
            let units = start..<min(start + pieceUnits, step.unitCount)
            piece.copyMemory(from: input + start * step.inputUnitBytes, byteCount: units.count * step.inputUnitBytes)
            step.run(units: units, input: piece, output: output + start * step.outputUnitBytes, memory: memory)
        }
    }

    /// The bytes of output `index` after `invoke()`.
    public func output(_ index: Int = 0) -> UnsafeRawBufferPointer {
        let tensor = outputs[index]
        return UnsafeRawBufferPointer(start: memory[tensor.index], count: tensor.byteCount)
    }

    /// The bytes of a tensor after a run: constants, folded values and outputs always; every
    /// other tensor only with `preserveAllTensors` (otherwise its memory is shared). Nil when the
    /// tensor holds no data.
    public func tensorData(_ index: Int) throws(RuntimeError) -> UnsafeRawBufferPointer? {
        guard index >= 0, index < tensors.count else { throw .noSuchTensor(index: index, count: tensors.count) }
        let readable = options.preserveAllTensors || constants[index] != nil || outputs.contains { $0.index == index }
        guard readable, let pointer = memory.pointers[index] else { return nil }
        return UnsafeRawBufferPointer(start: pointer, count: tensors[index].byteCount)
    }

    /// The largest sum of bytes of tensors live at one step, each in its own buffer.
    private static func livePeak(steps: [PlannedStep], tensors: [TensorInfo], inputs: [Int], outputs: [Int],
                                 constants: Set<Int>) -> Int {
        var born: [Int: Int] = [:]
        var lastRead: [Int: Int] = [:]
        for input in inputs { born[input] = -1 }
        for (index, step) in steps.enumerated() {
            for output in step.outputs where born[output] == nil { born[output] = index }
            for input in step.inputs { lastRead[input] = index }
        }
        for output in outputs { lastRead[output] = steps.count }
        return steps.indices.map { index in
            born.filter { tensor, birth in
                !constants.contains(tensor) && birth <= index && (lastRead[tensor] ?? birth) >= index
            }.keys.reduce(0) { $0 + tensors[$1].byteCount }
        }.max() ?? 0
    }
}
