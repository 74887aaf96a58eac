import Foundation
import Testing
import Detection
import Evaluation
import Quantization
import Runtime
import TFLiteFormat

/// Our quantization of a checkpoint trained here and the TFLite converter's (TensorFlow 2.21,
/// `scripts/record-converter-case.sh`), from the same 20 calibration images, agree: every
/// activation's scale (1e-6 relative) and zero point, every int8 weight, every bias within one
/// step, and their AP on the 300 validation images within 0.2 points.
///
/// The converter fuses each backbone PAD into the stride-2 depthwise convolution after it (SAME
/// padding); our graph keeps the reference models' PAD, so those PADs are skipped when pairing
/// operators. Weight scales come from batch norm folded in float64 here and in TensorFlow's float32
/// (its rsqrt), so they may differ in the last bits; they are checked to 1e-6 relative.
@Suite struct ConverterParityTests {
    static let converterModel = QuantizationFixtures.resources.appendingPathComponent("converter-shapes-192-20.tflite")

    @Test func ourQuantizationIsTheConverters() throws {
        let theirs = try TFLiteModel(bytes: [UInt8](try Data(contentsOf: Self.converterModel)))
        let float = try FloatModel.load(path: QuantizationFixtures.checkpoint)
        let shapes = try QuantizationFixtures.shapes(train: 20, val: 300)
        let images = CalibrationImages(paths: try CalibrationImages.files(in: shapes.appendingPathComponent("train").path), side: 192)
        #expect(images.paths.count == 20)
        let ours = try PostTrainingQuantization(threads: 2).run(float.model, images: images).result.model

        let pairs = try pairedOperators(ours, theirs, droppingFusedPads: true)
        #expect(pairs.count == 148)
        var activations = 0, weights = 0, biases = 0, worstScale: Float = 0, worstWeightScale: Float = 0
        var problems: [String] = []
        for (a, b) in pairs {
            for (x, y) in zip(a.op.outputs, b.op.outputs) {
                guard let qa = ours.subgraphs[0].tensors[Int(x)].quantization, let qb = theirs.subgraphs[0].tensors[Int(y)].quantization else {
                    if (ours.subgraphs[0].tensors[Int(x)].quantization == nil) != (theirs.subgraphs[0].tensors[Int(y)].quantization == nil) {
                        problems.append("operator \(a.index) \(a.code): one output is quantized, the other not")
                    }
                    continue
                }
                activations += 1
                let relative = abs(qa.scale[0] - qb.scale[0]) / qb.scale[0]
                worstScale = max(worstScale, relative)
                if relative > 1e-6 || qa.zeroPoint != qb.zeroPoint {
                    problems.append("operator \(a.index) \(a.code) output: \(qa.scale[0]) \(qa.zeroPoint[0]) vs the converter's \(qb.scale[0]) \(qb.zeroPoint[0])")
                }
            }
            guard a.code == .conv2D || a.code == .depthwiseConv2D else { continue }
            let (fa, fb) = (constant(ours, a.op.inputs[1]), constant(theirs, b.op.inputs[1]))
            weights += fa.bytes.count
            if fa.bytes != fb.bytes { problems.append("operator \(a.index) \(a.code): \(zip(fa.bytes, fb.bytes).count { $0 != $1 }) int8 weights differ") }
            for (sa, sb) in zip(fa.scales, fb.scales) { worstWeightScale = max(worstWeightScale, abs(sa - sb) / sb) }
            let (ba, bb) = (constant(ours, a.op.inputs[2]).int32, constant(theirs, b.op.inputs[2]).int32)
            biases += ba.count
            let apart = zip(ba, bb).count { abs(Int64($0) - Int64($1)) > 1 }
            if apart > 0 { problems.append("operator \(a.index) \(a.code): \(apart) biases more than one step apart") }
        }
        print("converter parity: \(activations) activations (worst scale difference \(worstScale)), \(weights) int8 weights, \(biases) biases; weight scales within \(worstWeightScale)")
        #expect(problems.isEmpty, "\(problems.prefix(8))")
        #expect(worstWeightScale <= 1e-6)

        // AP on the validation images, through the same evaluation code as `tinyssd evaluate`.
        let dataset = try YOLODataset(directory: shapes.appendingPathComponent("val").path)
        #expect(dataset.images.count == 300)
        let names = ["ellipse", "rectangle", "triangle", "star", "cross"]
        let post = PostProcessing(confidenceThreshold: 0.001, nmsThreshold: 0.5)
        let ourAP = evaluate(try Detector(interpreter: Interpreter(model: ours)), on: dataset, classNames: names, postProcessing: post).report
        let theirAP = evaluate(try Detector(interpreter: Interpreter(model: theirs)), on: dataset, classNames: names, postProcessing: post).report
        print(String(format: "mAP ours %.4f %%, converter %.4f %%", ourAP.meanAveragePrecision * 100, theirAP.meanAveragePrecision * 100))
        #expect(abs(ourAP.meanAveragePrecision - theirAP.meanAveragePrecision) * 100 <= 0.2)
        #expect(ourAP.meanAveragePrecision > 0.5)
    }
}

