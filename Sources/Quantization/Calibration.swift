import Foundation
import Runtime
import TFLiteFormat

/// Runs a float32 model over calibration samples and records every float tensor's absolute min and
/// max, as the TFLite converter's calibrator does before quantizing (no averaging).
///
/// Each of `threads` workers owns an interpreter (every tensor kept readable) and a share of the
/// samples; a sample is written straight into the worker's input tensor, so the loop allocates
/// nothing of its own. Constants are measured once.
public final class Calibrator {
    public let model: TFLiteModel
    public let threads: Int
    private let interpreters: [Interpreter]
    /// Float32 tensors computed at run time, with the operator that writes each.
    private let measured: [(tensor: Int, producer: Int)]
    private let constantRanges: [Int: ValueRange]

    public init(model: TFLiteModel, threads: Int) throws {
        self.model = model
        self.threads = max(threads, 1)
        interpreters = try (0..<self.threads).map { _ in
            try Interpreter(model: model, options: Interpreter.Options(preserveAllTensors: true))
        }
        let first = interpreters[0]
        guard first.inputs.count == 1, first.inputs[0].type == .float32 else {
            throw QuantizationError.unsupportedGraph("calibration needs a float32 model with one float32 input")
        }
        let graph = model.subgraphs[0]
        var producer: [Int: Int] = [:]
        for (index, op) in graph.operators.enumerated() { for output in op.outputs { producer[Int(output)] = index } }
        var measured: [(Int, Int)] = []
        var constants: [Int: ValueRange] = [:]
        for tensor in first.tensors where tensor.type == .float32 && tensor.elementCount > 0 {
            let isConstant = Int(graph.tensors[tensor.index].buffer) != 0
                && !model.buffers[Int(graph.tensors[tensor.index].buffer)].data.isEmpty
            let isFolded = first.operators.first { op in graph.operators[op.index].outputs.contains(Int32(tensor.index)) }?.isFolded ?? false
            if isConstant || isFolded {
                guard let data = try first.tensorData(tensor.index) else { continue }
                guard let range = ValueRange(of: data.bindMemory(to: Float.self)) else {
                    throw QuantizationError.nonFiniteActivation(tensor: tensor.name, operatorIndex: producer[tensor.index] ?? -1)
                }
                constants[tensor.index] = range
            } else {
                measured.append((tensor.index, producer[tensor.index] ?? -1))
            }
        }
        self.measured = measured
        constantRanges = constants
    }

    /// Bytes of one sample: the float32 input tensor.
    public var inputByteCount: Int { interpreters[0].inputs[0].byteCount }

    /// Runs `count` samples; `fill(sample, worker, input)` writes sample `sample` into `input`
    /// (`inputByteCount` bytes) or returns false to skip it. `progress` is called from the worker
    /// threads after each sample with the number done so far. Returns the range of every float
    /// tensor (constants included) by tensor index, and how many samples ran.
    public func calibrate(
        count: Int,
        fill: @escaping @Sendable (_ sample: Int, _ worker: Int, _ input: UnsafeMutableRawBufferPointer) throws -> Bool,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> (ranges: [Int: ValueRange], samples: Int) {
        let workers = min(threads, max(count, 1))
        let results = WorkerResults(workers: workers)
        let measured = self.measured
        // Each worker touches only its own interpreter.
        nonisolated(unsafe) let interpreters = self.interpreters
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let interpreter = interpreters[worker]
            do {
                // Every tensor has its own memory (preserveAllTensors), fixed for the interpreter's life.
                var views: [UnsafeBufferPointer<Float>] = []
                for entry in measured {
                    guard let data = try interpreter.tensorData(entry.tensor) else {
                        throw QuantizationError.missingRange(tensor: interpreter.tensors[entry.tensor].name)
                    }
                    views.append(data.bindMemory(to: Float.self))
                }
                var low = [Float](repeating: .infinity, count: measured.count)
                var high = [Float](repeating: -.infinity, count: measured.count)
                var used = 0
                for sample in stride(from: worker, to: count, by: workers) {
                    guard try fill(sample, worker, interpreter.input()) else { continue }
                    interpreter.invoke()
                    for slot in views.indices {
                        guard ValueRange.extend(low: &low[slot], high: &high[slot], over: views[slot]) else {
                            throw QuantizationError.nonFiniteActivation(tensor: interpreter.tensors[measured[slot].tensor].name,
                                                                        operatorIndex: measured[slot].producer)
                        }
                    }
                    used += 1
                    progress?(results.finishOne())
                }
                results.store(worker: worker, low: low, high: high, samples: used)
            } catch {
                results.fail(error)
            }
        }
        if let error = results.error { throw error }
        var ranges = constantRanges
        let (low, high, samples) = results.merged()
        guard samples > 0 else { return (ranges, 0) }
        for (slot, entry) in measured.enumerated() where low[slot] <= high[slot] {
            ranges[entry.tensor] = ValueRange(min: low[slot], max: high[slot])
        }
        return (ranges, samples)
    }
}

/// What the workers hand back, behind one lock.
private final class WorkerResults: @unchecked Sendable {
    private let lock = NSLock()
    private var lows: [[Float]]
    private var highs: [[Float]]
    private var samples: [Int]
    private var done = 0
    private(set) var error: Error?

    init(workers: Int) {
        lows = Array(repeating: [], count: workers)
        highs = Array(repeating: [], count: workers)
        samples = Array(repeating: 0, count: workers)
    }

    func finishOne() -> Int {
        lock.lock(); defer { lock.unlock() }
        done += 1
        return done
    }

    func store(worker: Int, low: [Float], high: [Float], samples count: Int) {
        lock.lock(); defer { lock.unlock() }
        lows[worker] = low
        highs[worker] = high
        samples[worker] = count
    }

    func fail(_ error: Error) {
        lock.lock(); defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }

    func merged() -> (low: [Float], high: [Float], samples: Int) {
        lock.lock(); defer { lock.unlock() }
        let filled = lows.indices.filter { !lows[$0].isEmpty }
        guard let first = filled.first else { return ([], [], 0) }
        var low = lows[first], high = highs[first]
        for worker in filled.dropFirst() {
            for i in low.indices {
                low[i] = min(low[i], lows[worker][i])
                high[i] = max(high[i], highs[worker][i])
            }
        }
        return (low, high, samples.reduce(0, +))
    }
}
