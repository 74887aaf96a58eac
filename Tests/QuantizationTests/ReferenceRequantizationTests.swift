import Foundation
import Testing
import Quantization
import Runtime
import TFLiteFormat
import TestSupport

/// Quantizing the float twin of each reference model (its weights dequantized) gives back the
/// reference's int8 weights and per-channel scales (QUANTIZATION.md's weight-scale rule).
@Suite struct ReferenceRequantizationTests {
    /// With the reference's own activation ranges, every activation parameter, every int8 weight
    /// and every weight scale comes back, raised channels included (to the float bias the file
    /// keeps only rounded: scale within 1e-6, weights within one step).
    @Test(arguments: Fixtures.modelSizes)
    func theReferenceComesBackFromItsOwnRanges(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let reference = try TFLiteModel(bytes: bytes)
        let float = try temporaryFloatTwin(of: reference)
        var ranges: [Int: ValueRange] = [:]
        for (index, tensor) in reference.subgraphs[0].tensors.enumerated() where tensor.type == .int8 {
            guard let q = tensor.quantization, q.scale.count == 1 else { continue }
            let s = Double(q.scale[0]), z = Double(q.zeroPoint[0])
            ranges[index] = ValueRange(min: Float((-128 - z) * s), max: Float((127 - z) * s))
        }
        let result = try GraphQuantizer(options: QuantizationOptions(converter: .zooReferenceModels)).quantize(float, ranges: ranges)
        let comparison = compareWeights(reference: reference, quantized: result)
        print("\(size) from the reference's ranges: \(comparison.summary)")
        #expect(comparison.unraisedMismatches.isEmpty, "\(comparison.unraisedMismatches.prefix(5))")
        #expect(comparison.raisedMismatches.isEmpty, "\(comparison.raisedMismatches.prefix(5))")
        #expect(comparison.raisedOnlyByOne == 0)
        #expect(comparison.biasesApart == 0)

        var differing: [String] = []
        for (index, tensor) in reference.subgraphs[0].tensors.enumerated() where tensor.type == .int8
            && reference.buffers[Int(tensor.buffer)].data.isEmpty {
            guard let q = tensor.quantization, let mine = result.model.subgraphs[0].tensors[index].quantization else { continue }
            if q.zeroPoint != mine.zeroPoint || abs(q.scale[0] - mine.scale[0]) > 1e-6 * q.scale[0] {
                differing.append("\(tensor.name): \(mine.scale[0]) \(mine.zeroPoint[0]) vs \(q.scale[0]) \(q.zeroPoint[0])")
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    /// Calibrated on person-mini, the channels neither quantizer raised match byte for byte with the
    /// same scale; the ones ours raised (its own input scales) follow the bias rule.
    @Test(arguments: Fixtures.modelSizes)
    func calibratedWeightsMatchTheReference(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let reference = try TFLiteModel(bytes: bytes)
        let float = try temporaryFloatTwin(of: reference)
        let files = try CalibrationImages.files(in: Fixtures.directory.appendingPathComponent("person-mini").path)
        let images = CalibrationImages(paths: Array(files.prefix(4)), side: size)
        let calibrator = try Calibrator(model: float, threads: 2)
        let (ranges, samples) = try calibrator.calibrate(count: images.paths.count) { sample, _, input in images.fill(sample, into: input) }
        #expect(samples == 4)
        let result = try GraphQuantizer().quantize(float, ranges: ranges)
        let comparison = compareWeights(reference: reference, quantized: result)
        print("\(size) calibrated on 4 person-mini photos: \(comparison.summary)")
        #expect(comparison.unraisedMismatches.isEmpty, "\(comparison.unraisedMismatches.prefix(5))")
        #expect(comparison.ruleViolations.isEmpty, "\(comparison.ruleViolations.prefix(5))")
        #expect(comparison.compared > 3000)
    }
}

/// Channel-by-channel comparison of the per-channel int8 filters of two models with the same tensors.
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

    var summary: String {
        "\(compared) channels: \(unraisedEqual) unraised equal, \(unraisedMismatches.count) unraised differ, \(raisedBoth) raised by both (\(raisedMismatches.count) differ), \(raisedOnlyByOne) raised by one only (\(raisedOnlyByUs) by us); biases: \(biasesEqual) equal, \(biasesApart) more than one step apart"
    }
}

func compareWeights(reference: TFLiteModel, quantized result: GraphQuantizer.Result) -> WeightComparison {
    var comparison = WeightComparison()
    let theirs = reference.subgraphs[0], ours = result.model.subgraphs[0]
    let convolutions = theirs.operators.filter {
        let code = reference.operatorCodes[Int($0.opcodeIndex)].builtinCode
        return code == .conv2D || code == .depthwiseConv2D
    }
    for op in convolutions {
        let filter = Int(op.inputs[1]), bias = Int(op.inputs[2])
        let tensor = theirs.tensors[filter], mine = ours.tensors[filter]
        guard let q = tensor.quantization, let myQ = mine.quantization, let myBiasQ = ours.tensors[bias].quantization,
              let inputScale = ours.tensors[Int(op.inputs[0])].quantization?.scale.first else {
            comparison.unraisedMismatches.append("\(tensor.name): not quantized")
            continue
        }
        let refBytes = Array(reference.buffers[Int(tensor.buffer)].data), myBytes = Array(result.model.buffers[Int(mine.buffer)].data)
        let myBias = Array(result.model.buffers[Int(ours.tensors[bias].buffer)].data)
        let refBias = Array(reference.buffers[Int(theirs.tensors[bias].buffer)].data)
        for c in 0..<(refBias.count / 4) {
            func value(_ bytes: [UInt8]) -> Int64 {
                Int64(Int32(bitPattern: UInt32(bytes[4 * c]) | UInt32(bytes[4 * c + 1]) << 8 | UInt32(bytes[4 * c + 2]) << 16 | UInt32(bytes[4 * c + 3]) << 24))
            }
            // Past 2^24 the converter's float32 arithmetic moves in steps of a float32 ulp, not of 1.
            let reference = value(refBias), difference = abs(value(myBias) - reference)
            let tolerance = max(1, Int64(Float(abs(reference)).ulp))
            if difference == 0 { comparison.biasesEqual += 1 } else if difference > tolerance { comparison.biasesApart += 1 }
        }
        let dimension = Int(q.quantizedDimension)
        let inner = tensor.shape.map(Int.init)[(dimension + 1)...].reduce(1, *)
        let ourRaised = Set(result.raisedChannels[mine.name] ?? [])
        var channelIndices = [[Int]](repeating: [], count: q.scale.count)
        for index in refBytes.indices { channelIndices[(index / inner) % q.scale.count].append(index) }
        for c in 0..<q.scale.count {
            comparison.compared += 1
            let indices = channelIndices[c]
            let refValues = indices.map { Int(Int8(bitPattern: refBytes[$0])) }
            let theyRaised = !refValues.contains { abs($0) == 127 } && q.scale[c] != Float(1e-6 / 254)
            let weRaised = ourRaised.contains(c)
            let name = "\(tensor.name.prefix(50)) channel \(c)"
            if weRaised {
                let b = Int32(bitPattern: UInt32(myBias[4 * c]) | UInt32(myBias[4 * c + 1]) << 8 | UInt32(myBias[4 * c + 2]) << 16 | UInt32(myBias[4 * c + 3]) << 24)
                let biasFloat = Double(myBiasQ.scale[c]) * Double(b)
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

/// Stand-in until the production float twin lands: dequantized constants, QUANTIZE/DEQUANTIZE removed.
func temporaryFloatTwin(of model: TFLiteModel) throws -> TFLiteModel {
    var twin = model
    var graph = twin.subgraphs[0]
    for (index, tensor) in graph.tensors.enumerated() {
        guard let q = tensor.quantization, tensor.type == .int8 || tensor.type == .int32 || tensor.type == .uint8 else { continue }
        let data = Array(twin.buffers[Int(tensor.buffer)].data)
        if tensor.buffer != 0 && !data.isEmpty {
            let count = tensor.shape.map(Int.init).reduce(1, *)
            let dimension = Int(q.quantizedDimension)
            let inner = q.scale.count > 1 ? tensor.shape.map(Int.init)[(dimension + 1)...].reduce(1, *) : 1
            var out: [UInt8] = []
            for i in 0..<count {
                let v: Int64 = tensor.type == .int8 ? Int64(Int8(bitPattern: data[i]))
                    : Int64(Int32(bitPattern: UInt32(data[4*i]) | UInt32(data[4*i+1]) << 8 | UInt32(data[4*i+2]) << 16 | UInt32(data[4*i+3]) << 24))
                let c = q.scale.count > 1 ? (i / inner) % q.scale.count : 0
                let f = Float(Double(q.scale[c]) * Double(v - (q.zeroPoint.isEmpty ? 0 : q.zeroPoint[c])))
                withUnsafeBytes(of: f.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            }
            twin.buffers.append(Buffer(data: ArraySlice(out)))
            graph.tensors[index].buffer = UInt32(twin.buffers.count - 1)
        }
        graph.tensors[index].type = .float32
        graph.tensors[index].quantization = nil
    }
    var replacement: [Int32: Int32] = [:]
    var kept: [Operator] = []
    for op in graph.operators {
        let code = twin.operatorCodes[Int(op.opcodeIndex)].builtinCode
        if code == .quantize || code == .dequantize {
            if graph.inputs.contains(op.inputs[0]) { graph.inputs = [op.outputs[0]] }
            else if graph.outputs.contains(op.outputs[0]) { graph.outputs = [op.inputs[0]] }
            else { replacement[op.outputs[0]] = op.inputs[0] }
            continue
        }
        var op = op
        op.inputs = op.inputs.map { replacement[$0] ?? $0 }
        kept.append(op)
    }
    graph.operators = kept
    twin.subgraphs[0] = graph
    return twin
}
