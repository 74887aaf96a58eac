import Detection
import Runtime
import TestSupport
import TFLiteFormat
import Testing

@Suite struct AnchorBoxesTests {
    /// The reference models hold their anchors as a constant int8 tensor (the folded anchor
    /// sub-graph) on the output's scale, 0.0097-0.0118: rounding to that grid moves each corner by
    /// at most half a step, so ours must sit within half a step (plus float noise) of every value.
    @Test(arguments: Fixtures.modelSizes)
    func matchTheReferenceModelsOwnAnchors(size: Int) throws {
        guard let bytes = try Fixtures.modelBytes(size: size) else { return }
        let interpreter = try Interpreter(model: TFLiteModel(bytes: bytes))
        let tensor = try #require(interpreter.tensors.first { $0.name == "model/anchors_concat/concat" })
        let quantization = try #require(tensor.quantization)
        let data = try #require(try interpreter.tensorData(tensor.index))
        let theirs = data.bindMemory(to: Int8.self).map { Float(Int32($0) - quantization.zeroPoint) * quantization.scale }

        let ours = try SSDArchitecture(inputSize: size, classCount: 1).anchorBoxes.flatMap { [$0.x0, $0.y0, $0.x1, $0.y1] }
        #expect(ours.count == theirs.count)
        let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= quantization.scale / 2 + 1e-6, "largest corner difference \(worst), step \(quantization.scale)")
    }

    @Test func countsAndOrderFollowTheOutputRows() throws {
        let architecture = try SSDArchitecture(inputSize: 192, classCount: 1)
        let anchors = architecture.anchorBoxes
        #expect(anchors.count == architecture.anchorCount)
        // 24x24 map, step 8 px: cell (0, 0) has centre (4, 4); size 0.26 * 192 = 49.92 px.
        expectBox(anchors[0], -20.96 / 192, -20.96 / 192, 28.96 / 192, 28.96 / 192)
        // Ratio 2: width 49.92 * sqrt(2) = 70.5978, height 35.2989.
        expectBox(anchors[1], (4 - 35.29891) / 192, (4 - 17.64946) / 192, (4 + 35.29891) / 192, (4 + 17.64946) / 192)
        // Ratio 1/3: width 49.92 / sqrt(3) = 28.8213, height 86.4640.
        expectBox(anchors[3], (4 - 14.41066) / 192, (4 - 43.23198) / 192, (4 + 14.41066) / 192, (4 + 43.23198) / 192)
        // Second size 0.33 * 192 = 63.36 px at ratio 1.
        expectBox(anchors[4], -27.68 / 192, -27.68 / 192, 35.68 / 192, 35.68 / 192)
        // Anchor 5 is the next column (centre x 12), anchor 120 the next row (centre y 12).
        expectBox(anchors[5], (12 - 24.96) / 192, -20.96 / 192, (12 + 24.96) / 192, 28.96 / 192)
        expectBox(anchors[120], -20.96 / 192, (12 - 24.96) / 192, 28.96 / 192, (12 + 24.96) / 192)
        // The 12x12 map starts at 24 * 24 * 5 with size 0.42 and step 16.
        expectBox(anchors[2880], (8 - 40.32) / 192, (8 - 40.32) / 192, (8 + 40.32) / 192, (8 + 40.32) / 192)
        // The last anchor: the 1x1 map's second size 0.98, centred.
        expectBox(anchors[3829], 0.01, 0.01, 0.99, 0.99)
    }

    @Test func paddedMapsOf224UseStepsOfTheInputOverTheMapSize() throws {
        let anchors = try SSDArchitecture(inputSize: 224, classCount: 1).anchorBoxes
        #expect(anchors.count == 6825)
        // 32x32 map at 224: step 7 px, centre 3.5; size 0.1 * 224 = 22.4 px.
        expectBox(anchors[0], -7.7 / 224, -7.7 / 224, 14.7 / 224, 14.7 / 224)
        // Last cell of the 32x32 map: centre 220.5.
        expectBox(anchors[5119], (220.5 - 17.92) / 224, (220.5 - 17.92) / 224, (220.5 + 17.92) / 224, (220.5 + 17.92) / 224)
    }

    private func expectBox(_ box: BoundingBox, _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let differences = [Double(box.x0) - x0, Double(box.y0) - y0, Double(box.x1) - x1, Double(box.y1) - y1]
        #expect(differences.allSatisfy { abs($0) < 2e-6 }, "\(box) vs \([x0, y0, x1, y1])", sourceLocation: sourceLocation)
    }
}
