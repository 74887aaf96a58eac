import Detection

/// The model zoo's SSD on top of MobileNet v1 (PIPELINE.md §3, checked against the three
/// reference .tflite files), as a graph of engine layers. Layer names of the SSD part:
///
/// - `fmap_K_conv` (kernel, bias) + `fmap_K_bn`: the 1x1 convolution to 32 channels of feature
///   map K (0 = largest); maps 0-2 tap MobileNet blocks 5, 11 and 13, then one map per pair of extra
///   blocks, and the last map is the global average of the last extra block.
/// - `fmap_K_pad`: at 224, the zero padding of a tap to the map's size (28→32, 14→16, 7→8).
/// - `extra_J_dw` (depthwise_kernel, bias) + `extra_J_dw_bn`, `extra_J_pw` (kernel, bias) +
///   `extra_J_pw_bn`: the extra depthwise-separable blocks (256 channels; J odd strides 2).
/// - `cls_pred_K`, `bbox_pred_K` (kernel, bias) + `_bn`: the class and box heads of map K
///   (3x3, or 1x1 on the 1x1 map at 224 and 256), no activation.
///
/// Every SSD convolution has a bias and is followed by batch normalization, like the zoo's
/// Keras code; MobileNet's have no bias. That gives 434,814 parameters at 192 and 585,076 at
/// 224 and 256 (alpha 0.25, one class, moving statistics included), as the zoo's models have.
struct SSDGraph {
    static let featureChannels = 32
    static let extraChannels = 256

    let builder: GraphBuilder
    /// `[batch, anchors, classes + 1]` logits and `[batch, anchors, 4]` box offsets, anchors in
    /// the reference model's order: map by map from the largest, then row, column, anchor.
    let classLogits: OutputArray
    let boxOffsets: OutputArray

    init(_ architecture: SSDArchitecture, maxBatch: Int) {
        let size = architecture.inputSize
        builder = GraphBuilder(inputHeight: size, inputWidth: size, inputChannels: 3, maxBatch: maxBatch)
        let anchorsPerCell = architecture.anchorsPerCell, classes = architecture.classCount + 1
        classLogits = builder.makeOutput(elementsPerImage: architecture.anchorCount * classes)
        boxOffsets = builder.makeOutput(elementsPerImage: architecture.anchorCount * 4)

        let backbone = MobileNetBackbone(builder, alpha: architecture.alpha)
        let sizes = architecture.featureMapSizes
        var maps: [TensorSlot] = []
        var x = backbone.block13
        for (index, tap) in [backbone.block5, backbone.block11, backbone.block13].enumerated() {
            let padded = padded(tap, to: sizes[index], name: "fmap_\(index)_pad")
            if index == 2 { x = padded }
            maps.append(reduce(padded, map: index))
        }
        for pair in 0..<(sizes.count - 4) {
            x = extraBlock(x, id: 2 * pair + 1, stride: 2)
            x = extraBlock(x, id: 2 * pair + 2, stride: 1)
            maps.append(reduce(x, map: maps.count))
        }
        maps.append(reduce(builder.globalAveragePool(x, name: "global_average_pooling"), map: maps.count))

        // Top-down: each merged map is upsampled and added to the next larger one.
        var anchorOffsets: [Int] = [0]
        for side in sizes { anchorOffsets.append(anchorOffsets.last! + side * side * anchorsPerCell) }
        var merged = maps[maps.count - 1]
        for index in stride(from: maps.count - 1, through: 0, by: -1) {
            if index < maps.count - 1 {
                let upsampled = padded(builder.upsample(merged, name: "fmap_\(index + 1)_up"), to: sizes[index],
                                       name: "fmap_\(index + 1)_up_pad")
                merged = builder.add(maps[index], upsampled, name: "fmap_\(index)_merged")
            }
            let kernelSize = sizes[index] == 1 && size != 192 ? 1 : 3
            let heads = builder.convolutions(
                merged, shape: .same(inputHeight: merged.height, inputWidth: merged.width, inputChannels: merged.channels,
                                     outputChannels: 0, kernelSize: kernelSize, stride: 1),
                branches: [("cls_pred_\(index)", "cls_pred_\(index)_bn", anchorsPerCell * classes),
                           ("bbox_pred_\(index)", "bbox_pred_\(index)_bn", anchorsPerCell * 4)],
                bias: true, relu6: false, initializer: .heNormal)
            builder.copy(heads[0], to: classLogits, offset: anchorOffsets[index] * classes)
            builder.copy(heads[1], to: boxOffsets, offset: anchorOffsets[index] * 4)
        }
    }

    /// `tap` zero-padded to `side` x `side`, the odd pixel going before (top, left) as the zoo's
    /// ZeroPadding2D((1, 0), (1, 0)) does; `tap` itself when it already has that size.
    private func padded(_ tap: TensorSlot, to side: Int, name: String) -> TensorSlot {
        let extra = side - tap.height
        guard extra > 0 else { return tap }
        return builder.zeroPad(tap, name: name, top: extra - extra / 2, left: extra - extra / 2, bottom: extra / 2,
                               right: extra / 2)
    }

    private func reduce(_ source: TensorSlot, map: Int) -> TensorSlot {
        builder.convolution(source, name: "fmap_\(map)_conv", normalizationName: "fmap_\(map)_bn",
                            shape: .same(inputHeight: source.height, inputWidth: source.width,
                                         inputChannels: source.channels, outputChannels: Self.featureChannels,
                                         kernelSize: 1, stride: 1),
                            bias: true, relu6: false, initializer: .heNormal)
    }

    private func extraBlock(_ source: TensorSlot, id: Int, stride: Int) -> TensorSlot {
        let depthwise = builder.depthwise(
            source, name: "extra_\(id)_dw", normalizationName: "extra_\(id)_dw_bn",
            shape: .same(inputHeight: source.height, inputWidth: source.width, inputChannels: source.channels,
                         outputChannels: source.channels, kernelSize: 3, stride: stride),
            bias: true, initializer: .heNormal)
        return builder.convolution(
            depthwise, name: "extra_\(id)_pw", normalizationName: "extra_\(id)_pw_bn",
            shape: .same(inputHeight: depthwise.height, inputWidth: depthwise.width, inputChannels: depthwise.channels,
                         outputChannels: Self.extraChannels, kernelSize: 1, stride: 1),
            bias: true, relu6: true, initializer: .heNormal)
    }
}
