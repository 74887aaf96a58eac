import TFLiteFormat

/// Runs a `.tflite` model with TFLite's integer semantics.
///
/// Loading prepares every operator once (shapes, kernel parameters, constant folding) and lays
/// out one activation arena; `invoke()` then only calls kernels.
///
/// ```swift
/// let interpreter = try Interpreter(model: TFLiteModel(bytes: fileBytes))
/// try interpreter.setInput(imageBytes)
/// interpreter.invoke()
/// let scores = interpreter.output()
/// ```
public final class Interpreter {
    public static let defaultMemoryLimit = 1 << 30

    public let model: TFLiteModel
    /// Every tensor of the main subgraph with its inferred static shape.
    public let tensors: [TensorInfo]
    public let inputs: [TensorInfo]
    public let outputs: [TensorInfo]
    /// One entry per operator of the file, in execution order.
    public let operators: [OperatorSummary]
    /// Bytes of the activation arena (inputs, outputs and every intermediate tensor).
    public var arenaBytes: Int { arena.byteCount }

    private let steps: [(operatorIndex: Int, outputs: [Int], step: any KernelStep)]
    private let constants: [Int: AlignedBuffer]
    private let arena: AlignedBuffer
    private let arenaOffsets: [Int: Int]
    private let memory: TensorMemory

    public init(model: TFLiteModel, memoryLimit: Int = Interpreter.defaultMemoryLimit) throws(RuntimeError) {
        let graph = try GraphBuilder(model: model, memoryLimit: memoryLimit)
        self.model = model
        tensors = graph.tensors
        inputs = graph.inputs.map { graph.tensors[$0] }
        outputs = graph.outputs.map { graph.tensors[$0] }
        operators = graph.summaries
        steps = graph.steps
        constants = graph.constants

        // Every tensor a step writes, and every input, gets its own region for now.
        var offsets: [Int: Int] = [:]
        var size = 0
        func place(_ tensor: Int) throws(RuntimeError) {
            guard offsets[tensor] == nil, graph.constants[tensor] == nil else { return }
            offsets[tensor] = size
            size += (graph.tensors[tensor].byteCount + 63) & ~63
            guard size <= memoryLimit else { throw .tooLarge(what: "activation arena", bytes: size, limit: memoryLimit) }
        }
        for input in graph.inputs { try place(input) }
        for step in graph.steps {
            for output in step.outputs { try place(output) }
        }
        arena = AlignedBuffer(byteCount: size)
        arenaOffsets = offsets

        var pointers = [UnsafeMutableRawPointer?](repeating: nil, count: graph.tensors.count)
        for (tensor, buffer) in graph.constants { pointers[tensor] = buffer.pointer }
        for (tensor, offset) in offsets { pointers[tensor] = arena.pointer + offset }
        memory = TensorMemory(pointers: pointers)
    }

    /// Copies raw little-endian bytes into input `index`.
    public func setInput(_ bytes: some Collection<UInt8>, index: Int = 0) throws(RuntimeError) {
        let destination = input(index)
        guard bytes.count == destination.count else {
            throw .inputSize(inputIndex: index, expectedBytes: destination.count, actualBytes: bytes.count)
        }
        destination.copyBytes(from: bytes)
    }

    /// The writable bytes of input `index`, to fill in place.
    public func input(_ index: Int = 0) -> UnsafeMutableRawBufferPointer {
        let tensor = inputs[index]
        return UnsafeMutableRawBufferPointer(start: memory[tensor.index], count: tensor.byteCount)
    }

    /// Runs every step once.
    public func invoke() {
        for (_, _, step) in steps { step.run(memory) }
    }

    /// The bytes of output `index` after `invoke()`.
    public func output(_ index: Int = 0) -> UnsafeRawBufferPointer {
        let tensor = outputs[index]
        return UnsafeRawBufferPointer(start: memory[tensor.index], count: tensor.byteCount)
    }

    /// The current bytes of any tensor: constants, folded values, or the activations of the last
    /// run; nil for a tensor that never holds data (an unused or omitted tensor).
    public func tensorData(_ index: Int) throws(RuntimeError) -> UnsafeRawBufferPointer? {
        guard index >= 0, index < tensors.count else { throw .noSuchTensor(index: index, count: tensors.count) }
        guard let pointer = memory.pointers[index] else { return nil }
        return UnsafeRawBufferPointer(start: pointer, count: tensors[index].byteCount)
    }
}
