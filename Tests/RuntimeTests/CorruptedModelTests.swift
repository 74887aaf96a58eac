import Foundation
import Runtime
import TFLiteFormat
import Testing
import TestSupport

/// Acceptance criterion: feeding 1,000 randomly corrupted copies of a reference model (bytes
/// flipped, truncated, offsets pointed out of range) to the loader never crashes the process:
/// each is either rejected with an error or loads and runs.
///
/// A crash (trap, out-of-bounds access) kills the whole test process, so the failure to look for
/// is the process dying. Every copy is derived from its own seed, `caseSeed(index)`; to find and
/// replay a crashing copy, run with `TINYSSD_FUZZ_TRACE=1` (prints each mutation before loading
/// it), then `TINYSSD_FUZZ_CASE=<index>` (runs that copy only) and, to keep its bytes,
/// `TINYSSD_FUZZ_DUMP=<directory>`. `TINYSSD_FUZZ_SEED=<hex>` changes the base seed and
/// `TINYSSD_FUZZ_COPIES=<n>` the number of copies, for longer hunts.
@Suite struct CorruptedModelTests {
    static let copies = 1_000
    static let defaultSeed: UInt64 = 0x7155_D5EE_D000_2024

    @Test func randomlyCorruptedModelsAreRejectedOrRun() throws {
        var originals: [(size: Int, bytes: [UInt8], tables: [FoundTable], budget: Budget)] = []
        for size in Fixtures.modelSizes {
            guard let bytes = try Fixtures.modelBytes(size: size) else { return }
            // The pristine model must load and run, or the corrupted copies prove nothing.
            let interpreter = try Interpreter(model: TFLiteModel(bytes: bytes))
            originals.append((size, bytes, FoundTable.scan(bytes), Budget(interpreter)))
        }

        let environment = ProcessInfo.processInfo.environment
        let baseSeed = environment["TINYSSD_FUZZ_SEED"].flatMap { UInt64($0, radix: 16) } ?? Self.defaultSeed
        let onlyCase = environment["TINYSSD_FUZZ_CASE"].flatMap { Int($0) }
        let trace = environment["TINYSSD_FUZZ_TRACE"] == "1"
        let copies = environment["TINYSSD_FUZZ_COPIES"].flatMap { Int($0) } ?? Self.copies
        let dumpDirectory = environment["TINYSSD_FUZZ_DUMP"]
        // Trace lines go to unbuffered stderr, so the last one survives a crash.
        func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        log("CorruptedModelTests: seed \(String(baseSeed, radix: 16)), \(copies) copies, "
            + "structural tables found: \(originals.map { "\($0.size): \($0.tables.count)" }.joined(separator: ", "))"
            + (trace ? "" : "; if the process crashes, rerun with TINYSSD_FUZZ_TRACE=1 to see the copy"))

        var tally = Tally()
        let start = ContinuousClock.now
        for index in 0..<copies where onlyCase == nil || onlyCase == index {
            let seed = Self.caseSeed(baseSeed, index)
            var random = DeterministicRandom(seed: seed)
            let original = originals[index % originals.count]
            var bytes = original.bytes
            let mutation = Mutation.random(&random, fileSize: bytes.count, tables: original.tables)
            mutation.apply(to: &bytes)
            let label = "case \(index) (seed \(String(seed, radix: 16)), model \(original.size)): \(mutation)"
            if trace { log(label) }
            if let directory = dumpDirectory {
                let url = URL(fileURLWithPath: directory).appendingPathComponent("corrupted-\(index).tflite")
                try Data(bytes).write(to: url)
            }

            let model: TFLiteModel
            do {
                model = try TFLiteModel(bytes: bytes)
            } catch {
                tally.rejectedByFormat += 1
                if trace { log("  rejected by format: \(error)") }
                continue
            }
            let interpreter: Interpreter
            do {
                interpreter = try Interpreter(model: model)
            } catch {
                tally.rejectedByRuntime += 1
                if trace { log("  rejected by runtime: \(error)") }
                continue
            }
            // A corrupted shape can make a model that is valid but far more expensive than the
            // original (up to the 1 GiB memory limit); such a copy is loaded and prepared but not
            // invoked, to keep this test's run time bounded. All others are invoked once.
            guard original.budget.allows(interpreter) else {
                tally.loadedButTooExpensiveToRun += 1
                if trace { log("  loaded; not run: arena \(interpreter.arenaBytes) bytes, \(Budget.macs(interpreter)) MACs") }
                continue
            }
            for input in interpreter.inputs.indices {
                let destination = interpreter.input(input)
                for i in destination.indices { destination[i] = UInt8(truncatingIfNeeded: random.next()) }
            }
            interpreter.invoke()
            for output in interpreter.outputs.indices { _ = interpreter.output(output).first }
            tally.ran += 1
            if trace { log("  ran") }
        }
        let elapsed = ContinuousClock.now - start

        print("CorruptedModelTests: \(tally) in \(elapsed)")
        if onlyCase == nil {
            #expect(tally.processed == copies)
            #expect(tally.rejectedByFormat + tally.rejectedByRuntime > 0, "no corrupted copy was rejected: \(tally)")
            #expect(tally.ran > 0, "no corrupted copy loaded and ran: \(tally)")
        }
    }

    // Corruptions the random search above rarely produces, each of which used to trap.

    /// Builds `model` through its bytes, as the loader sees a file.
    static func prepare(_ model: TFLiteModel) throws -> Interpreter {
        try Interpreter(model: TFLiteModel(bytes: model.serialized()))
    }

    static func int32Bytes(_ values: [Int32]) -> ArraySlice<UInt8> {
        ArraySlice(values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * Int32($0))) } })
    }

    /// A RESHAPE whose constant shape has three huge dimensions (their product overflows Int).
    @Test func reshapeToAnUncountableShapeIsRejected() throws {
        let q = QuantizationParameters(scale: [1], zeroPoint: [0])
        let model = TFLiteModel(
            operatorCodes: [OperatorCode(builtinCode: .reshape)],
            subgraphs: [Subgraph(
                tensors: [Tensor(name: "input", shape: [1, 4], type: .int8, quantization: q),
                          Tensor(name: "shape", shape: [3], type: .int32, buffer: 1),
                          Tensor(name: "output", shape: [4], type: .int8, quantization: q)],
                inputs: [0], outputs: [2],
                operators: [Operator(opcodeIndex: 0, inputs: [0, 1], outputs: [2], options: .reshape(newShape: nil))])],
            buffers: [Buffer(), Buffer(data: Self.int32Bytes([.max, .max, .max]))])
        let error = #expect(throws: RuntimeError.self) { try Self.prepare(model) }
        guard case .invalidOperator(0, "RESHAPE", let reason)? = error else {
            Issue.record("expected an invalid RESHAPE, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("shape"))
    }

    /// An empty tensor (one dimension 0) whose other dimensions are huge: its byte count is 0, but
    /// strides and element counts over the other dimensions overflow.
    @Test func emptyTensorWithHugeDimensionsIsRejected() throws {
        let model = TFLiteModel(
            operatorCodes: [OperatorCode(builtinCode: .add)],
            subgraphs: [Subgraph(
                tensors: [Tensor(name: "a", shape: [0, .max, .max, .max], type: .float32),
                          Tensor(name: "b", shape: [1], type: .float32),
                          Tensor(name: "sum", shape: [1], type: .float32)],
                inputs: [0, 1], outputs: [2],
                operators: [Operator(opcodeIndex: 0, inputs: [0, 1], outputs: [2], options: .add(AddOptions()))])],
            buffers: [Buffer()])
        let error = #expect(throws: RuntimeError.self) { try Self.prepare(model) }
        guard case .tooLarge(let what, _, _)? = error else {
            Issue.record("expected tensor 0 to be too large, got \(String(describing: error))")
            return
        }
        #expect(what.contains("tensor 0 'a'"))
    }

    /// An int8 SOFTMAX with a negative beta: its exponential table overflows to infinity and the
    /// kernel would convert NaN to an integer.
    @Test func softmaxWithNegativeBetaIsRejected() throws {
        let model = TFLiteModel(
            operatorCodes: [OperatorCode(builtinCode: .softmax)],
            subgraphs: [Subgraph(
                tensors: [Tensor(name: "logits", shape: [1, 10], type: .int8,
                                 quantization: QuantizationParameters(scale: [1], zeroPoint: [0])),
                          Tensor(name: "probabilities", shape: [1, 10], type: .int8,
                                 quantization: QuantizationParameters(scale: [1.0 / 256], zeroPoint: [-128]))],
                inputs: [0], outputs: [1],
                operators: [Operator(opcodeIndex: 0, inputs: [0], outputs: [1], options: .softmax(beta: -1e30))])],
            buffers: [Buffer()])
        let error = #expect(throws: RuntimeError.self) { try Self.prepare(model) }
        guard case .invalidOperator(0, "SOFTMAX", let reason)? = error else {
            Issue.record("expected an invalid SOFTMAX, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("beta"))
    }

    /// A DEQUANTIZE whose input zero point is Int32.min: negating it overflowed in the kernel.
    @Test func dequantizeWithOutOfRangeZeroPointIsRejected() throws {
        let model = TFLiteModel(
            operatorCodes: [OperatorCode(builtinCode: .dequantize)],
            subgraphs: [Subgraph(
                tensors: [Tensor(name: "quantized", shape: [1, 10], type: .int8,
                                 quantization: QuantizationParameters(scale: [1], zeroPoint: [Int64(Int32.min)])),
                          Tensor(name: "real", shape: [1, 10], type: .float32)],
                inputs: [0], outputs: [1],
                operators: [Operator(opcodeIndex: 0, inputs: [0], outputs: [1])])],
            buffers: [Buffer()])
        let error = #expect(throws: RuntimeError.self) { try Self.prepare(model) }
        guard case .invalidOperator(0, "DEQUANTIZE", let reason)? = error else {
            Issue.record("expected an invalid DEQUANTIZE, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("zero point"))
    }

    static func caseSeed(_ base: UInt64, _ index: Int) -> UInt64 {
        var mixer = DeterministicRandom(seed: base &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
        return mixer.next()
    }
}

/// Outcomes over all copies.
fileprivate struct Tally: CustomStringConvertible {
    var rejectedByFormat = 0
    var rejectedByRuntime = 0
    var loadedButTooExpensiveToRun = 0
    var ran = 0

    var processed: Int { rejectedByFormat + rejectedByRuntime + loadedButTooExpensiveToRun + ran }

    var description: String {
        "\(processed) processed: \(rejectedByFormat) rejected by TFLiteFormat, \(rejectedByRuntime) rejected by Runtime, "
            + "\(ran) loaded and ran, \(loadedButTooExpensiveToRun) loaded but not run (too expensive)"
    }
}

/// How much work a corrupted copy may ask for before the test declines to invoke it: 4x the
/// original model's activation arena and multiply-accumulates.
fileprivate struct Budget {
    let arenaBytes: Int
    let macs: Int

    init(_ original: Interpreter) {
        arenaBytes = 4 * original.arenaBytes
        macs = 4 * Self.macs(original)
    }

    static func macs(_ interpreter: Interpreter) -> Int {
        interpreter.operators.reduce(0) { $0.addingReportingOverflow($1.macs).overflow ? .max : $0 + $1.macs }
    }

    func allows(_ interpreter: Interpreter) -> Bool {
        interpreter.arenaBytes <= arenaBytes && Self.macs(interpreter) <= macs
    }
}

/// A FlatBuffer table found by scanning: an aligned `soffset` at `table` pointing back to a
/// plausible vtable (even size >= 4, field offsets inside the object). Weights produce a few false
/// positives, which only makes those mutations land in data.
fileprivate struct FoundTable {
    let table: Int
    let objectSize: Int
    let vtable: Int
    let vtableSize: Int

    static func scan(_ bytes: [UInt8]) -> [FoundTable] {
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        var found: [FoundTable] = []
        var position = 0
        while position + 4 <= bytes.count {
            defer { position += 4 }
            let raw = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
                | UInt32(bytes[position + 2]) << 16 | UInt32(bytes[position + 3]) << 24
            let soffset = Int(Int32(bitPattern: raw))
            guard soffset != 0, abs(soffset) < 1 << 20 else { continue }
            let vtable = position - soffset
            guard vtable >= 0, vtable % 2 == 0, vtable + 4 <= bytes.count else { continue }
            let vtableSize = u16(vtable), objectSize = u16(vtable + 2)
            guard vtableSize >= 6, vtableSize <= 64, vtableSize % 2 == 0, vtable + vtableSize <= bytes.count,
                  objectSize >= 8, objectSize <= 256, position + objectSize <= bytes.count else { continue }
            let entries = stride(from: vtable + 4, to: vtable + vtableSize, by: 2).map(u16)
            guard entries.contains(where: { $0 != 0 }), entries.allSatisfy({ $0 == 0 || ($0 >= 4 && $0 < objectSize) }) else {
                continue
            }
            found.append(FoundTable(table: position, objectSize: objectSize, vtable: vtable, vtableSize: vtableSize))
        }
        return found
    }
}

/// One way of corrupting a model's bytes.
fileprivate enum Mutation: CustomStringConvertible {
    /// XOR the byte at each offset with a non-zero mask.
    case flipBytes([(offset: Int, mask: UInt8)])
    case truncate(length: Int)
    /// Overwrite the little-endian word at an aligned offset (FlatBuffer offsets, vector lengths,
    /// vtable entries, scalar fields).
    case overwriteWord(offset: Int, value: UInt32, region: String)
    /// Overwrite one 16-bit vtable entry (vtable size, object size or a field offset).
    case overwriteHalfword(offset: Int, value: UInt16, region: String)

    /// Values that, read as offsets or lengths, point at or past the end of the file or overflow.
    static func hostileWords(fileSize: Int) -> [UInt32] {
        let size = UInt32(truncatingIfNeeded: fileSize)
        return [0xFFFF_FFF0, size, size &+ 4, size &- 2, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0x4000_0000,
                0, 1, 0xFFFF, 0x0001_0000]
    }

    static func random(_ random: inout DeterministicRandom, fileSize: Int, tables: [FoundTable]) -> Mutation {
        func word(_ random: inout DeterministicRandom) -> UInt32 {
            random.below(4) == 0 ? UInt32(truncatingIfNeeded: random.next()) : random.element(of: hostileWords(fileSize: fileSize))
        }
        let roll = random.below(100)
        switch roll {
        case 0..<30:
            let count = 1 + random.below(16)
            return .flipBytes((0..<count).map { _ in (random.below(fileSize), UInt8(1 + random.below(255))) })
        case 30..<45:
            return .truncate(length: random.below(fileSize))
        case 45..<60:
            return .overwriteWord(offset: random.below(fileSize / 4) * 4, value: word(&random), region: "anywhere")
        case 60..<80:
            return .overwriteWord(offset: random.below(min(2048, fileSize) / 4) * 4, value: word(&random), region: "first 2 KiB")
        default:
            guard !tables.isEmpty else {
                return .overwriteWord(offset: random.below(fileSize / 4) * 4, value: word(&random), region: "anywhere")
            }
            let t = random.element(of: tables)
            switch random.below(3) {
            case 0:
                let entry = t.vtable + 2 * random.below(t.vtableSize / 2)
                let values: [UInt16] = [0xFFFF, 0xFFF0, UInt16(t.objectSize), UInt16(t.objectSize - 2), 2, 3, 0,
                                        UInt16(truncatingIfNeeded: random.next())]
                return .overwriteHalfword(offset: entry, value: random.element(of: values),
                                          region: "vtable at \(t.vtable) of table at \(t.table)")
            case 1:
                return .overwriteWord(offset: t.table, value: word(&random), region: "soffset of table at \(t.table)")
            default:
                let slot = t.table + 4 * random.below(max(1, t.objectSize / 4))
                return .overwriteWord(offset: slot, value: word(&random), region: "fields of table at \(t.table)")
            }
        }
    }

    func apply(to bytes: inout [UInt8]) {
        switch self {
        case .flipBytes(let flips):
            for (offset, mask) in flips { bytes[offset] ^= mask }
        case .truncate(let length):
            bytes.removeLast(bytes.count - length)
        case .overwriteWord(let offset, let value, _):
            for i in 0..<4 where offset + i < bytes.count { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        case .overwriteHalfword(let offset, let value, _):
            for i in 0..<2 where offset + i < bytes.count { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt16(i))) }
        }
    }

    var description: String {
        switch self {
        case .flipBytes(let flips):
            return "flip \(flips.count) byte(s) " + flips.map { "\($0.offset)^0x\(String($0.mask, radix: 16))" }.joined(separator: ", ")
        case .truncate(let length):
            return "truncate to \(length) bytes"
        case .overwriteWord(let offset, let value, let region):
            return "word at \(offset) := 0x\(String(value, radix: 16)) (\(region))"
        case .overwriteHalfword(let offset, let value, let region):
            return "halfword at \(offset) := 0x\(String(value, radix: 16)) (\(region))"
        }
    }
}
