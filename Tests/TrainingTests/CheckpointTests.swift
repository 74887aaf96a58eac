import Detection
import Foundation
import Testing
@testable import Training

/// Checkpoints keep every tensor bit for bit, say what network they hold, and refuse a network of
/// another shape with a message naming both.
@Suite struct CheckpointTests {
    private func network(size: Int = 192, classes: Int = 1, seed: UInt64) throws -> SSDNetwork {
        SSDNetwork(architecture: try SSDArchitecture(inputSize: size, classCount: classes), maxBatch: 1, threads: 1, seed: seed)
    }

    @Test func roundTripKeepsEveryValue() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        let source = try network(seed: 7)
        for i in 0..<source.movingStatistics.count { source.movingStatistics[i] = Float(i % 97) * 0.01 + 0.5 }
        let path = folder.path("model.safetensors")
        try Checkpoint(network: source, classNames: ["person"], rescaling: PixelRescaling(scale: 255, offset: 0), epoch: 12)
            .write(to: path)

        let read = try Checkpoint(contentsOf: path)
        #expect(read.architecture == source.architecture && read.classNames == ["person"] && read.epoch == 12)
        #expect(read.rescaling == PixelRescaling(scale: 255, offset: 0) && read.resume == nil)
        let target = try network(seed: 99)
        #expect(Array(target.parameters) != Array(source.parameters))
        try read.load(into: target, path: path)
        #expect(Array(target.parameters) == Array(source.parameters))
        #expect(Array(target.movingStatistics) == Array(source.movingStatistics))
        // Keras names, as Python's safetensors would list them.
        let names = Set(read.tensors.names)
        #expect(names.contains("conv1/kernel") && names.contains("conv_dw_13_bn/moving_variance") && names.contains("bbox_pred_0/bias"))
        #expect(names.count == source.parameterTable.entries.count)
    }

    @Test func anotherArchitectureIsRefused() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        let path = folder.path("model.safetensors")
        try Checkpoint(network: try network(seed: 1), classNames: ["person"], rescaling: PixelRescaling(), epoch: 1).write(to: path)
        let other = try network(size: 224, seed: 1)
        #expect {
            try Checkpoint(contentsOf: path).load(into: other, path: path)
        } throws: { error in
            "\(error)".contains("192 x 192") && "\(error)".contains("224 x 224")
        }
    }

    @Test func damagedFilesAreRefused() throws {
        let folder = try DataTestFolder()
        defer { folder.remove() }
        let path = folder.path("model.safetensors")
        try Checkpoint(network: try network(seed: 1), classNames: ["person"], rescaling: PixelRescaling(), epoch: 1).write(to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        for cut in [0, 7, 100, bytes.count / 2, bytes.count - 1] {
            try folder.write("cut.safetensors", Array(bytes.prefix(cut)))
            #expect(throws: TrainingError.self) { try Checkpoint(contentsOf: folder.path("cut.safetensors")) }
        }
        #expect(throws: TrainingError.self) { try Checkpoint(contentsOf: folder.path("missing.safetensors")) }
    }
}
