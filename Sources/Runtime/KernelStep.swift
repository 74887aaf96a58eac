import TFLiteFormat

/// The data pointer of every tensor during a run, indexed by tensor index, and the arena's
/// scratch area shared by all steps. Threads of one step write disjoint parts of it.
struct TensorMemory: @unchecked Sendable {
    let pointers: [UnsafeMutableRawPointer?]
    let scratch: UnsafeMutableRawPointer?
    /// Bytes of scratch per thread: part `p` of a step uses its own slice.
    let scratchStride: Int

    init(pointers: [UnsafeMutableRawPointer?], scratch: UnsafeMutableRawPointer? = nil, scratchStride: Int = 0) {
        self.pointers = pointers
        self.scratch = scratch
        self.scratchStride = scratchStride
    }

    /// The same tensors with the scratch slice of thread `part`.
    func forPart(_ part: Int) -> TensorMemory {
        TensorMemory(pointers: pointers, scratch: scratch.map { $0 + part * scratchStride }, scratchStride: scratchStride)
    }

    subscript(_ tensor: Int) -> UnsafeMutableRawPointer {
        // The planner gives every tensor a step touches a buffer before any step runs.
        pointers[tensor]!
    }

    func int8(_ tensor: Int) -> UnsafeMutablePointer<Int8> { self[tensor].assumingMemoryBound(to: Int8.self) }
    func uint8(_ tensor: Int) -> UnsafeMutablePointer<UInt8> { self[tensor].assumingMemoryBound(to: UInt8.self) }
    func int32(_ tensor: Int) -> UnsafeMutablePointer<Int32> { self[tensor].assumingMemoryBound(to: Int32.self) }
    func float(_ tensor: Int) -> UnsafeMutablePointer<Float> { self[tensor].assumingMemoryBound(to: Float.self) }
}

/// One prepared operator: kernel parameters fixed at load time, tensors named by index.
protocol KernelStep: Sendable {
    /// Bytes of `TensorMemory.scratch` that `run` uses (per thread, for row-partitioned steps).
    var scratchBytes: Int { get }
    func run(_ memory: TensorMemory)
}

extension KernelStep {
    var scratchBytes: Int { 0 }
}

/// A step whose output splits into rows computed independently, so threads can share it.
protocol RowPartitionedStep: KernelStep {
    var rowCount: Int { get }
    func run(_ memory: TensorMemory, rows: Range<Int>)
}

/// A step whose output unit `i` (an element, a pixel, a row) depends only on its input unit `i`:
/// it can process its tensor a piece at a time, which lets the planner run it in place.
protocol PixelwiseStep: RowPartitionedStep {
    var inputTensor: Int { get }
    var outputTensor: Int { get }
    var unitCount: Int { get }
    var inputUnitBytes: Int { get }
    var outputUnitBytes: Int { get }
    /// Processes `units`; `input` and `output` point at unit `units.lowerBound`.
    func run(units: Range<Int>, input: UnsafeRawPointer, output: UnsafeMutableRawPointer, memory: TensorMemory)
}

extension PixelwiseStep {
    func run(_ memory: TensorMemory) {
        run(memory, rows: 0..<unitCount)
    }

    var rowCount: Int { unitCount }

    func run(_ memory: TensorMemory, rows units: Range<Int>) {
        run(units: units, input: memory[inputTensor] + units.lowerBound * inputUnitBytes,
            output: memory[outputTensor] + units.lowerBound * outputUnitBytes, memory: memory)
    }
}

/// A convolution that can read the unpadded input of a PAD and treat the padding as implicit,
/// which removes the padded copy from memory.
protocol PaddingAbsorbingStep: KernelStep {
    /// Zero for float32, the input zero point for quantized inputs: what skipped taps stand for.
    var implicitPaddingValue: Int32 { get }
    func absorbingPadding(input: Int, height: Int, width: Int, top: Int, left: Int) -> any KernelStep
}

/// What preparing an operator produces.
struct PreparedOperator {
    var outputShapes: [[Int]]
    var step: any KernelStep
    /// False for SHAPE, whose result depends only on static shapes, so it always folds.
    var readsInputData = true
    /// Multiply-accumulates per run (convolutions only).
    var macs = 0
    /// Bytes of constant weights and biases the operator reads (convolutions only).
    var weightBytes = 0
}

/// A step of the execution plan with the tensors it reads and writes.
struct PlannedStep {
    var operatorIndex: Int
    var code: BuiltinOperator
    var inputs: [Int]
    var outputs: [Int]
    var kernel: any KernelStep
    /// Multiply-accumulates per run, zero for operators without weights.
    var macs = 0

    /// Whether sharing the step between threads pays for the hand-over (a few microseconds):
    /// convolutions from about 10 µs of work, other operators from 16 Ki output bytes.
    func isWorthSplitting(tensors: [TensorInfo]) -> Bool {
        if macs > 0 { return macs >= 200_000 }
        return outputs.reduce(0) { $0 + tensors[$1].byteCount } >= 16_384
    }
}
