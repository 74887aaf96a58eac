import Foundation
import Testing
import TestSupport
import TFLiteFormat
@testable import Runtime

/// The planned activation arena: small enough for the microcontroller, holding every activation,
/// and never changing a result.
@Suite struct MemoryPlanTests {
    /// Activation RAM of STM32Cube.AI 7.3 in the model card (input and output buffers included).
    static let modelCardKiB: [Int: Double] = [192: 195.6, 224: 333.25, 256: 347.3]

    @Test(arguments: Fixtures.modelSizes)
    func arenaFitsTheModelCardAndHoldsEveryActivation(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let interpreter = try Interpreter(model: TFLiteModel(bytes: bytes))
        let limit = Int(try #require(Self.modelCardKiB[size]) * 1024)
        #expect(interpreter.arenaBytes <= limit, "\(size): arena \(interpreter.arenaBytes) bytes, model card \(limit)")
        #expect(interpreter.arenaBytes < interpreter.liveTensorPeakBytes)

        let arena = UnsafeRawPointer(interpreter.arena.pointer)..<UnsafeRawPointer(interpreter.arena.pointer + interpreter.arenaBytes)
        var activations = 0
        for tensor in interpreter.tensors {
            guard let pointer = interpreter.memory.pointers[tensor.index], try interpreter.tensorData(tensor.index) == nil
                    || interpreter.outputs.contains(where: { $0.index == tensor.index }) else { continue }
            // Not a constant: it must live in the arena, whole.
            #expect(arena.contains(UnsafeRawPointer(pointer)) && UnsafeRawPointer(pointer + tensor.byteCount) <= arena.upperBound,
                    "tensor \(tensor.index) '\(tensor.name)' lies outside the arena")
            activations += 1
        }
        #expect(activations > 20)
        let scratch = try #require(interpreter.memory.scratch)
        #expect(arena.contains(UnsafeRawPointer(scratch)) && UnsafeRawPointer(scratch + interpreter.plan.scratchBytes) <= arena.upperBound)
        // The expanding pointwise convolutions and DEQUANTIZE must run in place to fit.
        let inPlace = interpreter.plan.inPlaceSteps.map { interpreter.steps[$0].code }
        #expect(inPlace.contains(.conv2D) && inPlace.contains(.dequantize) && inPlace.contains(.quantize))
    }

    @Test(arguments: OperatorCase.all.map(\.name))
    func sharedArenaAndThreadsGiveTheSameOutputsAsSeparateBuffers(name: String) throws {
        let testCase = try #require(OperatorCase.all.first { $0.name == name })
        let shared = try Interpreter(model: testCase.model, options: Interpreter.Options(threads: 3))
        let separate = try Interpreter(model: testCase.model, options: Interpreter.Options(preserveAllTensors: true))
        for interpreter in [shared, separate] {
            for (i, input) in testCase.inputs.enumerated() { try interpreter.setInput(input, index: i) }
            interpreter.invoke()
        }
        for i in shared.outputs.indices {
            #expect(Array(shared.output(i)) == Array(separate.output(i)), "\(name) output \(i)")
        }
    }

    /// Runs `model` with the shared arena and with separate buffers; both must agree.
    private func compareWithSeparateBuffers(_ model: TFLiteModel, input: [UInt8]) throws -> (shared: Interpreter, separate: Interpreter) {
        let shared = try Interpreter(model: model)
        let separate = try Interpreter(model: model, options: Interpreter.Options(preserveAllTensors: true))
        for interpreter in [shared, separate] {
            try interpreter.setInput(input)
            interpreter.invoke()
        }
        #expect(Array(shared.output()) == Array(separate.output()))
        return (shared, separate)
    }

    @Test func paddingIsAbsorbedByTheConvolution() throws {
        var random = DeterministicRandom(seed: 5)
        var b = ModelBuilder()
        let x = b.input("x", .int8, [1, 6, 6, 4], scale: 0.05, zeroPoint: 3)
        let paddings = b.constant("paddings", int32: [0, 0, 0, 1, 0, 1, 0, 0], shape: [4, 2])
        let padded = b.tensor("padded", .int8, [1, 7, 7, 4], scale: 0.05, zeroPoint: 3)
        b.op(.pad, version: 2, [x, paddings], [padded], .pad)
        let filter = b.constant("filter", int8: random.int8s(36, in: -127...127), shape: [1, 3, 3, 4],
                                scales: [0.01, 0.02, 0.01, 0.03], quantizedDimension: 3)
        let y = b.tensor("y", .int8, [1, 3, 3, 4], scale: 0.1, zeroPoint: -2)
        b.op(.depthwiseConv2D, version: 3, [padded, filter, -1], [y], .depthwiseConv2D(DepthwiseConv2DOptions(
            padding: .valid, strideWidth: 2, strideHeight: 2, depthMultiplier: 1, activation: .none)))
        b.output(y)
        let (shared, separate) = try compareWithSeparateBuffers(b.build(), input: random.bytes(144))
        #expect(!shared.steps.contains { $0.code == .pad } && separate.steps.contains { $0.code == .pad })
        #expect(shared.memory.pointers[Int(padded)] == nil)
    }

    @Test func expandingPointwiseConvolutionRunsInPlace() throws {
        var random = DeterministicRandom(seed: 6)
        var b = ModelBuilder()
        let x = b.input("x", .int8, [1, 8, 8, 4], scale: 0.05, zeroPoint: 3)
        let filter = b.constant("filter", int8: random.int8s(32, in: -127...127), shape: [8, 1, 1, 4], scales: [0.02])
        let y = b.tensor("y", .int8, [1, 8, 8, 8], scale: 0.2, zeroPoint: 1)
        b.op(.conv2D, version: 3, [x, filter, -1], [y], .conv2D(Conv2DOptions(padding: .same, strideWidth: 1, strideHeight: 1, activation: .none)))
        b.output(y)
        let (shared, _) = try compareWithSeparateBuffers(b.build(), input: random.bytes(256))
        #expect(shared.plan.inPlaceSteps == [0])
        #expect(shared.plan.offsets[Int(x)] == shared.plan.offsets[Int(y)])
        #expect(shared.plan.scratchOffset == 512, "the input and the twice-larger output share 512 bytes")
    }
}
