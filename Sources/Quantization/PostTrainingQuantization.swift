import Foundation
import Runtime
import TFLiteFormat
import Training

/// Post-training quantization from end to end, as the model zoo's quantization service runs the
/// TFLite converter: calibrate a float model on images, then quantize it (`GraphQuantizer`).
public struct PostTrainingQuantization {
    /// Seconds spent in each phase.
    public struct Timings: Equatable, Sendable, Codable {
        public var calibration: Double
        public var quantization: Double
    }

    public struct Outcome {
        public var result: GraphQuantizer.Result
        /// Calibration samples that ran (skipped images excluded).
        public var samples: Int
        public var timings: Timings
        public var ranges: [Int: ValueRange]
    }

    public let options: QuantizationOptions
    /// Workers for calibration (each runs its own interpreter).
    public let threads: Int

    public init(options: QuantizationOptions = QuantizationOptions(), threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.options = options
        self.threads = max(threads, 1)
    }

    /// Calibrates `model` (float32, one float32 input) on `images` and quantizes it. Throws when
    /// no image could be read, or when an activation is NaN or infinite (naming the tensor).
    public func run(_ model: TFLiteModel, images: CalibrationImages, progress: (@Sendable (Int) -> Void)? = nil) throws -> Outcome {
        try run(model, count: images.paths.count, fill: { sample, _, input in images.fill(sample, into: input) }, progress: progress)
    }

    /// The same over any samples: `fill(sample, worker, input)` writes one float32 input or returns false to skip it.
    public func run(_ model: TFLiteModel, count: Int,
                    fill: @escaping @Sendable (Int, Int, UnsafeMutableRawBufferPointer) throws -> Bool,
                    progress: (@Sendable (Int) -> Void)? = nil) throws -> Outcome {
        let start = ContinuousClock.now
        let calibrator = try Calibrator(model: model, threads: threads)
        let (ranges, samples) = try calibrator.calibrate(count: count, fill: fill, progress: progress)
        guard samples > 0 else { throw QuantizationError.noCalibrationSamples(attempted: count) }
        let calibrated = ContinuousClock.now
        let result = try GraphQuantizer(options: options).quantize(model, ranges: ranges)
        // A model TFLite's kernels cannot run (a dead layer's degenerate scales, say) is refused here,
        // not found later on the device.
        do {
            _ = try Interpreter(model: result.model)
        } catch {
            throw QuantizationError.unrunnable(reason: error.description)
        }
        let done = ContinuousClock.now
        return Outcome(result: result, samples: samples,
                       timings: Timings(calibration: seconds(calibrated - start), quantization: seconds(done - calibrated)),
                       ranges: ranges)
    }

    /// The model zoo's fallback when it has no calibration images: images of uniformly random
    /// pixels (0-255), rescaled as real ones; sample k depends only on `seed` and k.
    public static func randomSamples(scale: Double, offset: Double, seed: UInt64)
        -> @Sendable (Int, Int, UnsafeMutableRawBufferPointer) throws -> Bool {
        return { sample, _, input in
            var random = SeededRandom(seed: seed, path: UInt64(sample))
            let floats = input.bindMemory(to: Float.self)
            for i in floats.indices { floats[i] = Float(Double(random.next() % 256) / scale + offset) }
            return true
        }
    }
}

private func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
