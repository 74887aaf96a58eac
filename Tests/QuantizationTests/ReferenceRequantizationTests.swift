import Foundation
import Testing
import Quantization
import Runtime
import TFLiteFormat
import TestSupport

/// Quantizing the float twin of each reference model (its weights dequantized) gives back the
/// reference's int8 weights and per-channel scales (QUANTIZATION.md's weight-scale rule).
/// Operators are paired in order, QUANTIZE and DEQUANTIZE left out (the twin has none).
@Suite struct ReferenceRequantizationTests {
    static let quantizeOperators: Set<BuiltinOperator> = [.quantize, .dequantize]

    /// With the reference's own activation ranges, every activation parameter, every int8 weight
    /// and every weight scale comes back, raised channels included (to the float bias the file
    /// keeps only rounded: scale within 1e-6, weights within one step).
    @Test(arguments: Fixtures.modelSizes)
    func theReferenceComesBackFromItsOwnRanges(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let reference = try TFLiteModel(bytes: bytes)
        let twin = try FloatTwin(quantized: reference).model
        // The reference's parameters as ranges of the twin's tensors: each paired operator's
        // outputs, and the input (the reference's QUANTIZE output).
        var ranges: [Int: ValueRange] = [:]
        func range(of tensor: Tensor) -> ValueRange? {
            guard tensor.type == .int8, let q = tensor.quantization, q.scale.count == 1 else { return nil }
            let s = Double(q.scale[0]), z = Double(q.zeroPoint[0])
            return ValueRange(min: Float((-128 - z) * s), max: Float((127 - z) * s))
        }
        let referenceTensors = reference.subgraphs[0].tensors
        let twinOperators = try pairedOperators(twin, reference, skipping: Self.quantizeOperators)
        for (ours, theirs) in twinOperators {
            for (x, y) in zip(ours.op.outputs, theirs.op.outputs) { ranges[Int(x)] = range(of: referenceTensors[Int(y)]) }
            for (x, y) in zip(ours.op.inputs, theirs.op.inputs) where x >= 0 && ranges[Int(x)] == nil {
                ranges[Int(x)] = range(of: referenceTensors[Int(y)])
            }
        }
        let result = try GraphQuantizer(options: QuantizationOptions(converter: .zooReferenceModels)).quantize(twin, ranges: ranges)
        let comparison = try compareWeights(reference: reference, quantized: result)
        print("\(size) from the reference's ranges: \(comparison.summary)")
        #expect(comparison.unraisedMismatches.isEmpty, "\(comparison.unraisedMismatches.prefix(5))")
        #expect(comparison.raisedMismatches.isEmpty, "\(comparison.raisedMismatches.prefix(5))")
        #expect(comparison.raisedOnlyByOne == 0)
        #expect(comparison.biasesApart == 0)
        #expect(comparison.activationMismatches.isEmpty, "\(comparison.activationMismatches.prefix(5))")
        #expect(comparison.activations > 80)
    }

    /// Calibrated on person-mini, the channels neither quantizer raised match byte for byte with the
    /// same scale; the ones ours raised (its own input scales) follow the bias rule.
    @Test(arguments: Fixtures.modelSizes)
    func calibratedWeightsMatchTheReference(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let reference = try TFLiteModel(bytes: bytes)
        let twin = try FloatTwin(quantized: reference).model
        let files = try CalibrationImages.files(in: Fixtures.directory.appendingPathComponent("person-mini").path)
        let images = CalibrationImages(paths: Array(files.prefix(4)), side: size)
        let calibrator = try Calibrator(model: twin, threads: 2)
        let (ranges, samples) = try calibrator.calibrate(count: images.paths.count) { sample, _, input in images.fill(sample, into: input) }
        #expect(samples == 4)
        let result = try GraphQuantizer().quantize(twin, ranges: ranges)
        let comparison = try compareWeights(reference: reference, quantized: result)
        print("\(size) calibrated on 4 person-mini photos: \(comparison.summary)")
        #expect(comparison.unraisedMismatches.isEmpty, "\(comparison.unraisedMismatches.prefix(5))")
        #expect(comparison.ruleViolations.isEmpty, "\(comparison.ruleViolations.prefix(5))")
        #expect(comparison.unraisedEqual > 3000)
    }
}

/// Channel-by-channel comparison of the per-channel int8 filters of two models with the same operators.
struct WeightComparison {
    var compared = 0
    var unraisedEqual = 0
    var unraisedMismatches: [String] = []
    /// Raised in both: scale within 1e-6 and weights within one step.
    var raisedBoth = 0
    var raisedMismatches: [String] = []
    /// Raised by one of the two quantizers only.
    var raisedOnlyByOne = 0
    var raisedOnlyByUs = 0
    /// Our raised channels must have bias scale = float32(|b| / (2^30 - 1)) and weight scale = that / input scale.
    var ruleViolations: [String] = []
    var biasesEqual = 0
    /// Biases more than one step (or one float32 ulp of the value) from the reference's.
    var biasesApart = 0
    /// Per-tensor activation outputs of the paired operators.
    var activations = 0
    var activationMismatches: [String] = []

    var summary: String {
        "\(compared) channels: \(unraisedEqual) unraised equal, \(unraisedMismatches.count) unraised differ, \(raisedBoth) raised by both (\(raisedMismatches.count) differ), \(raisedOnlyByOne) raised by one only (\(raisedOnlyByUs) by us); biases: \(biasesEqual) equal, \(biasesApart) more than one step apart; \(activations) activations, \(activationMismatches.count) with other parameters"
    }
}

func compareWeights(reference: TFLiteModel, quantized result: GraphQuantizer.Result) throws -> WeightComparison {
    var comparison = WeightComparison()
    let theirs = reference.subgraphs[0], ours = result.model.subgraphs[0]
    for (mine, their) in try pairedOperators(result.model, reference, skipping: ReferenceRequantizationTests.quantizeOperators) {
        for (x, y) in zip(mine.op.outputs, their.op.outputs) {
            guard let qa = ours.tensors[Int(x)].quantization, let qb = theirs.tensors[Int(y)].quantization,
                  qb.scale.count == 1, theirs.tensors[Int(y)].type == .int8 else { continue }
            comparison.activations += 1
            if qa.zeroPoint != qb.zeroPoint || abs(qa.scale[0] - qb.scale[0]) > 1e-6 * qb.scale[0] {
                comparison.activationMismatches.append("\(theirs.tensors[Int(y)].name.prefix(50)): \(qa.scale[0]) \(qa.zeroPoint[0]) vs \(qb.scale[0]) \(qb.zeroPoint[0])")
            }
        }
        guard mine.code == .conv2D || mine.code == .depthwiseConv2D else { continue }
        let filter = Int(their.op.inputs[1]), myFilter = Int(mine.op.inputs[1])
        let tensor = theirs.tensors[filter], myTensor = ours.tensors[myFilter]
        guard let q = tensor.quantization, let myQ = myTensor.quantization,
              let myBiasQ = ours.tensors[Int(mine.op.inputs[2])].quantization,
              let inputScale = ours.tensors[Int(mine.op.inputs[0])].quantization?.scale.first else {
            comparison.unraisedMismatches.append("\(tensor.name): not quantized")
            continue
        }
        let refBytes = constant(reference, their.op.inputs[1]).bytes, myBytes = constant(result.model, mine.op.inputs[1]).bytes
        let refBias = constant(reference, their.op.inputs[2]).int32, myBias = constant(result.model, mine.op.inputs[2]).int32
        for (mineValue, theirValue) in zip(myBias, refBias) {
            // Past 2^24 the converter's float32 arithmetic moves in steps of a float32 ulp, not of 1.
            let difference = abs(Int64(mineValue) - Int64(theirValue))
            let tolerance = max(1, Int64(Float(abs(theirValue)).ulp))
            if difference == 0 { comparison.biasesEqual += 1 } else if difference > tolerance { comparison.biasesApart += 1 }
        }
        let dimension = Int(q.quantizedDimension)
        let inner = tensor.shape.map(Int.init)[(dimension + 1)...].reduce(1, *)
        let ourRaised = Set(result.raisedChannels[myTensor.name] ?? [])
        var channelIndices = [[Int]](repeating: [], count: q.scale.count)
        for index in refBytes.indices { channelIndices[(index / inner) % q.scale.count].append(index) }
        for c in 0..<q.scale.count {
            comparison.compared += 1
            let indices = channelIndices[c]
            let theyRaised = !indices.contains { abs(Int(Int8(bitPattern: refBytes[$0]))) == 127 } && q.scale[c] != Float(1e-6 / 254)
            let weRaised = ourRaised.contains(c)
            let name = "\(tensor.name.prefix(50)) channel \(c)"
            if weRaised {
                let biasFloat = Double(myBiasQ.scale[c]) * Double(myBias[c])
                let expectedBias = Float(abs(biasFloat) / 1_073_741_823)
                if abs(myBiasQ.scale[c] - expectedBias) > 1e-6 * expectedBias
                    || abs(myQ.scale[c] - Float(Double(myBiasQ.scale[c]) / Double(inputScale))) > 1e-6 * myQ.scale[c] {
                    comparison.ruleViolations.append("\(name): bias scale \(myBiasQ.scale[c]) weight scale \(myQ.scale[c]) input \(inputScale)")
                }
            }
            switch (theyRaised, weRaised) {
            case (false, false):
                if myQ.scale[c] == q.scale[c] && indices.allSatisfy({ myBytes[$0] == refBytes[$0] }) {
                    comparison.unraisedEqual += 1
                } else {
                    comparison.unraisedMismatches.append("\(name): scale \(myQ.scale[c]) vs \(q.scale[c])")
                }
            case (true, true):
                comparison.raisedBoth += 1
                let close = abs(myQ.scale[c] - q.scale[c]) <= 1e-6 * q.scale[c]
                    && indices.allSatisfy { abs(Int(Int8(bitPattern: myBytes[$0])) - Int(Int8(bitPattern: refBytes[$0]))) <= 1 }
                if !close { comparison.raisedMismatches.append("\(name): scale \(myQ.scale[c]) vs \(q.scale[c])") }
            default:
                comparison.raisedOnlyByOne += 1
                if weRaised { comparison.raisedOnlyByUs += 1 }
            }
        }
    }
    return comparison
}
