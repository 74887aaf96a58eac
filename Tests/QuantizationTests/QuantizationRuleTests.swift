import Testing
import Quantization

/// The converter's parameter rules on hand-computed cases.
@Suite struct QuantizationRuleTests {
    @Test func activationParametersFollowTheMLIRNudging() {
        // The zoo's input range [-1, 1]: scale 2/255, zero point round(-128 + 127.5) = -1 (ties away from zero).
        let input = AffineQuantization(int8Covering: ValueRange(min: -1, max: 1))
        #expect(input.scale == Float(2.0 / 255))
        #expect(input.zeroPoint == -1)
        #expect(input.asUInt8.zeroPoint == 127)
        // ReLU6 saturated: [0, 6] -> 6/255, -128.
        let relu6 = AffineQuantization(int8Covering: ValueRange(min: 0, max: 6))
        #expect(relu6.scale == Float(6.0 / 255) && relu6.zeroPoint == -128)
        // A range that misses 0 is widened to hold it.
        let positive = AffineQuantization(int8Covering: ValueRange(min: 2, max: 5.1))
        #expect(positive.scale == Float(5.1 / 255) && positive.zeroPoint == -128)
        let negative = AffineQuantization(int8Covering: ValueRange(min: -2.55, max: -1))
        #expect(negative.scale == Float(2.55 / 255) && negative.zeroPoint == 127)
        // All zeros: scale 1, zero point -128.
        let zero = AffineQuantization(int8Covering: ValueRange(min: 0, max: 0))
        #expect(zero.scale == 1 && zero.zeroPoint == -128)
        // Zero point from the end with the smaller error: [-0.3, 2.25] -> 2.55/255 = 0.01, -128 + 30 = -98.
        let mixed = AffineQuantization(int8Covering: ValueRange(min: -0.3, max: 2.25))
        #expect(abs(mixed.scale - 0.01) < 1e-9)
        #expect(mixed.zeroPoint == -98)
    }

    @Test func weightsUseTheChannelMaximumOrTheDeadChannelScale() {
        // Two CONV_2D output channels of 2 weights: [1.27, -0.5] and [0, 1e-8].
        let weights = QuantizedConvolutionWeights(filter: [1.27, -0.5, 0, 1e-8], shape: [2, 1, 1, 2], channelDimension: 0,
                                                  bias: [0.01, 0], inputScale: 0.02, granularity: .perChannel)
        #expect(weights.filterScales[0] == Float(2 * 1.27 / 254.0))
        #expect(weights.filter[0] == 127 && weights.filter[1] == -50)
        #expect(weights.filterScales[1] == Float(1e-6 / 254))
        #expect(weights.filter[2] == 0 && weights.filter[3] == 3)  // 1e-8 / 3.937e-9 = 2.54 -> 3
        #expect(weights.biasScales[0] == Float(0.02 * Double(weights.filterScales[0])))
        #expect(weights.bias[0] == Int32((0.01 / Double(weights.biasScales[0])).rounded()))
        #expect(weights.raisedChannels.isEmpty)
    }

    @Test func aBiasTooLargeForTheStepsRaisesTheScale() {
        // A dead channel (weights 0) with bias 1: 1 / (2^30 - 1) exceeds 0.02 * 3.937e-9, so the bias
        // scale becomes 1 / 1073741823 and the weight scale that over the input scale.
        let weights = QuantizedConvolutionWeights(filter: [0, 0, 0], shape: [1, 1, 1, 3], channelDimension: 3,
                                                  bias: [0, 0, 1], inputScale: 0.02, granularity: .perChannel)
        #expect(weights.raisedChannels == [2])
        #expect(weights.biasScales[2] == Float(1.0 / 1_073_741_823))
        #expect(weights.filterScales[2] == Float(1.0 / 1_073_741_823 / 0.02))
        // 1 / float32(1 / 1073741823) in float32 is 2^30, as the reference files' raised biases.
        #expect(weights.bias[2] == 1 << 30)
        #expect(weights.filterScales[0] == Float(1e-6 / 254))
    }

    @Test func perTensorWeightsShareOneScale() {
        let weights = QuantizedConvolutionWeights(filter: [2.54, -0.5, 0.1, 1], shape: [2, 1, 1, 2], channelDimension: 0,
                                                  bias: [0, 0], inputScale: 0.1, granularity: .perTensor)
        #expect(weights.filterScales == [Float(2 * 2.54 / 254.0)])
        #expect(weights.filter == [127, -25, 5, 50])
        #expect(weights.biasScales.count == 1)
    }

    @Test func weightsRoundHalfAwayFromZeroAndClamp() {
        // Scale 1/127 per the maximum 1.0: 0.5/127 * 127 = 0.5 -> 1, -0.5 -> -1 (not to even).
        let weights = QuantizedConvolutionWeights(filter: [1, Float(0.5 / 127), Float(-0.5 / 127)], shape: [1, 1, 1, 3],
                                                  channelDimension: 0, bias: [0], inputScale: 1, granularity: .perChannel)
        #expect(weights.filter[0] == 127)
        #expect(abs(Int(weights.filter[1])) <= 1 && weights.filter[1] == -weights.filter[2])
    }
}
