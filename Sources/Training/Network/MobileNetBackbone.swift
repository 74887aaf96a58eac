/// Keras' MobileNet v1 without its top (`tf.keras.applications.MobileNet(include_top=False)`):
/// conv1 3x3 stride 2 then 13 depthwise-separable blocks, no biases, BatchNormalization and ReLU6
/// after every convolution, Keras' own layer names. Stride-2 blocks pad the bottom and right by
/// one pixel (Keras' `conv_pad_N` ZeroPadding2D, folded into the depthwise convolution here).
struct MobileNetBackbone {
    /// Outputs of pointwise blocks 5, 11 and 13 (`conv_pw_N_relu`), the feature-map taps.
    let block5: TensorSlot
    let block11: TensorSlot
    let block13: TensorSlot

    /// Pointwise filters of blocks 1-13 at alpha 1 and their depthwise strides.
    static let blocks: [(filters: Int, stride: Int)] = [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ]

    init(_ builder: GraphBuilder, alpha: Double) {
        var x = builder.input
        let stemShape = ConvolutionShape.same(inputHeight: x.height, inputWidth: x.width, inputChannels: x.channels,
                                              outputChannels: Int(32 * alpha), kernelSize: 3, stride: 2)
        x = builder.convolution(x, name: "conv1", normalizationName: "conv1_bn", shape: stemShape, bias: false,
                                relu6: true, initializer: .glorotUniform)
        var blockOutputs: [TensorSlot] = []
        for (index, block) in Self.blocks.enumerated() {
            let id = index + 1
            let depthwiseShape = block.stride == 1
                ? ConvolutionShape.same(inputHeight: x.height, inputWidth: x.width, inputChannels: x.channels,
                                        outputChannels: x.channels, kernelSize: 3, stride: 1)
                : ConvolutionShape(inputHeight: x.height, inputWidth: x.width, inputChannels: x.channels,
                                   outputChannels: x.channels, kernelSize: 3, stride: 2,
                                   padTop: 0, padLeft: 0, padBottom: 1, padRight: 1)
            x = builder.depthwise(x, name: "conv_dw_\(id)", normalizationName: "conv_dw_\(id)_bn", shape: depthwiseShape,
                                  bias: false, initializer: .glorotUniform)
            let pointwiseShape = ConvolutionShape.same(inputHeight: x.height, inputWidth: x.width, inputChannels: x.channels,
                                                       outputChannels: Int(Double(block.filters) * alpha),
                                                       kernelSize: 1, stride: 1)
            x = builder.convolution(x, name: "conv_pw_\(id)", normalizationName: "conv_pw_\(id)_bn",
                                    shape: pointwiseShape, bias: false, relu6: true, initializer: .glorotUniform)
            blockOutputs.append(x)
        }
        block5 = blockOutputs[4]
        block11 = blockOutputs[10]
        block13 = blockOutputs[12]
    }
}
