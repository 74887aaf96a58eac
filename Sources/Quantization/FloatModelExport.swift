import Detection
import TFLiteFormat
import Training

/// A trained `SSDNetwork` as a float32 `.tflite` with the reference models' graph: the same
/// operators in the same order, shapes and kinds of constants as the model zoo's int8 files
/// without their QUANTIZE and DEQUANTIZE (so the same as `FloatTwin` of such a file). Batch
/// normalization is folded into each convolution, ReLU6 fused; the input is `[1, S, S, 3]`
/// already rescaled to [-1, 1], the output `[1, anchors, classes + 9]`: softmax scores, box
/// offsets, anchor corners.
public struct FloatModelExport {
    public let architecture: SSDArchitecture
    public let model: TFLiteModel

    /// MobileNet blocks whose outputs are the first three feature maps' taps.
    private static let tapBlocks = [5, 11, 13]

    public init(network: SSDNetwork) throws(FloatExportError) {
        architecture = network.architecture
        var g = SSDFloatGraph(network)
        let size = architecture.inputSize
        let input = g.builder.activation("serving_default_input_1:0", shape: [1, size, size, 3])
        let maps = try Self.featureMaps(&g, input: input, architecture: architecture)
        let output = try Self.outputRows(&g, maps: maps, architecture: architecture)
        model = g.builder.model(inputs: [input], outputs: [output],
                                description: "TinySSD float export: \(architecture.summary), batch norm folded")
    }

    /// The feature maps reduced to 32 channels, largest first: MobileNet (PIPELINE.md §3) with
    /// each tap's reduction where the converter put it, then the extra blocks and global pooling.
    /// The converter orders operators by TensorFlow node name, so a tap's reduction follows the
    /// tap at once, except at 224, where the taps' `zero_padding2d` layers move map 0 after block
    /// 6's depthwise convolution, and map 1 after map 2 at the end of the backbone.
    private static func featureMaps(_ g: inout SSDFloatGraph, input: Int32,
                                    architecture: SSDArchitecture) throws(FloatExportError) -> [Int32] {
        let sides = architecture.featureMapSizes
        var maps = [Int32](repeating: -1, count: sides.count)
        var taps: [Int32] = []
        // The taps are at strides 8, 16 and 32; at 224 they are padded to the maps' sides.
        let padsTaps = sides[0] != architecture.inputSize / 8
        var lastTap: Int32 = -1
        var x = try g.convolution(input, layer: "conv1", normalization: "conv1_bn", kernelSize: 3, stride: 2,
                                  outputChannels: channels(32, architecture), relu6: true)
        for (index, block) in blocks.enumerated() {
            let id = index + 1
            if block.stride == 2 {
                x = g.pad(x, name: "conv_pad_\(id)", top: 0, left: 0, bottom: 1, right: 1)
            }
            x = try g.convolution(x, layer: "conv_dw_\(id)", normalization: "conv_dw_\(id)_bn", kernelSize: 3,
                                  stride: block.stride, outputChannels: 0, depthwise: true, relu6: true, valid: block.stride == 2)
            if padsTaps && id == 6 { maps[0] = try reduce(&g, tap: taps[0], map: 0, side: sides[0]).reduced }
            x = try g.convolution(x, layer: "conv_pw_\(id)", normalization: "conv_pw_\(id)_bn", kernelSize: 1, stride: 1,
                                  outputChannels: channels(block.filters, architecture), relu6: true)
            if tapBlocks.contains(id) {
                taps.append(x)
                guard !padsTaps else { continue }
                let map = taps.count - 1
                (lastTap, maps[map]) = try reduce(&g, tap: x, map: map, side: sides[map])
            }
        }
        if padsTaps {
            (lastTap, maps[2]) = try reduce(&g, tap: taps[2], map: 2, side: sides[2])
            maps[1] = try reduce(&g, tap: taps[1], map: 1, side: sides[1]).reduced
        }

        // Extra depthwise-separable blocks from the (padded) last tap, a map after each pair.
        x = lastTap
        for pair in 0..<(sides.count - 4) {
            for (offset, stride) in [(1, 2), (2, 1)] {
                let id = 2 * pair + offset
                x = try g.convolution(x, layer: "extra_\(id)_dw", normalization: "extra_\(id)_dw_bn", kernelSize: 3,
                                      stride: stride, outputChannels: 0, depthwise: true, relu6: true)
                x = try g.convolution(x, layer: "extra_\(id)_pw", normalization: "extra_\(id)_pw_bn", kernelSize: 1, stride: 1,
                                      outputChannels: 256, relu6: true)
            }
            maps[3 + pair] = try reduce(&g, tap: x, map: 3 + pair, side: sides[3 + pair]).reduced
        }
        maps[sides.count - 1] = try reduce(&g, tap: g.globalAveragePool(x), map: sides.count - 1, side: 1).reduced
        return maps
    }

    /// From the smallest map: upsample and add the merged map to the next, run the class and box
    /// heads on each merged map, reshape everything to rows, and concatenate scores (softmax),
    /// offsets and anchors into the output.
    private static func outputRows(_ g: inout SSDFloatGraph, maps: [Int32],
                                   architecture: SSDArchitecture) throws(FloatExportError) -> Int32 {
        let sides = architecture.featureMapSizes, last = sides.count - 1
        let boxes = architecture.anchorBoxes, perCell = architecture.anchorsPerCell
        let classColumns = architecture.classCount + 1
        var firstAnchor = [0]
        for side in sides { firstAnchor.append(firstAnchor[firstAnchor.count - 1] + side * side * perCell) }
        var classRows = [Int32](repeating: -1, count: sides.count)
        var boxRows = classRows, anchorRows = classRows
        var scores: Int32 = -1, offsets: Int32 = -1
        var merged = maps[last]
        for index in stride(from: last, through: 0, by: -1) {
            if index < last {
                var upsampled = g.upsample(merged, name: "fmap_\(index + 1)_up")
                upsampled = padded(&g, upsampled, side: sides[index], name: "fmap_\(index + 1)_up_pad")
                merged = g.add(maps[index], upsampled, name: "fmap_\(index)")
            }
            let kernelSize = sides[index] == 1 && architecture.inputSize != 192 ? 1 : 3
            let cells = sides[index] * sides[index] * perCell
            // The converter orders the two heads by their Keras names (conv2d_10 sorts before conv2d_9).
            let classFirst = headOrderKeepsClassesFirst(architecture, position: last - index)
            for isClass in classFirst ? [true, false] : [false, true] {
                let head = isClass ? "cls_pred_\(index)" : "bbox_pred_\(index)"
                let columns = isClass ? classColumns : 4
                let conv = try g.convolution(merged, layer: head, normalization: "\(head)_bn", kernelSize: kernelSize, stride: 1,
                                             outputChannels: perCell * columns, relu6: false)
                let rows = g.rows(conv, rows: cells, columns: columns, name: "model/\(head)/reshape")
                if isClass { classRows[index] = rows } else { boxRows[index] = rows }
                // The largest map's heads come last: each completes its concatenation.
                guard index == 0 else { continue }
                if isClass {
                    let classes = g.concatenate(classRows, axis: 1, name: "model/classes_concat/concat")
                    scores = g.softmax(classes, name: "model/classes_softmax/Softmax")
                } else {
                    offsets = g.concatenate(boxRows, axis: 1, name: "model/bboxes_concat/concat")
                }
            }
            anchorRows[index] = g.anchors(for: merged, boxes: boxes[firstAnchor[index]..<firstAnchor[index + 1]],
                                          anchorsPerCell: perCell, name: "model/fmap_\(index)_anchors",
                                          reshapeName: "model/fmap_\(index)_anchors/reshape")
        }
        let anchors = g.concatenate(anchorRows, axis: 1, name: "model/anchors_concat/concat")
        return g.concatenate([scores, offsets, anchors], axis: 2, name: "StatefulPartitionedCall:0")
    }

    /// Pointwise filters of MobileNet blocks 1-13 at alpha 1 and their depthwise strides.
    private static let blocks: [(filters: Int, stride: Int)] = [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ]

    private static func channels(_ filters: Int, _ architecture: SSDArchitecture) -> Int {
        Int(Double(filters) * architecture.alpha)
    }

    /// The tap padded to the map's side where needed, and that reduced to 32 channels by a 1x1 convolution.
    private static func reduce(_ g: inout SSDFloatGraph, tap: Int32, map: Int,
                               side: Int) throws(FloatExportError) -> (padded: Int32, reduced: Int32) {
        let source = padded(&g, tap, side: side, name: "fmap_\(map)_pad")
        let reduced = try g.convolution(source, layer: "fmap_\(map)_conv", normalization: "fmap_\(map)_bn", kernelSize: 1,
                                        stride: 1, outputChannels: 32, relu6: false)
        return (source, reduced)
    }

    /// `x` zero-padded to `side` x `side`, the odd pixel before (the zoo's ZeroPadding2D((1, 0), (1, 0))).
    private static func padded(_ g: inout SSDFloatGraph, _ x: Int32, side: Int, name: String) -> Int32 {
        let extra = side - g.builder.shape(of: x)[1]
        guard extra > 0 else { return x }
        return g.pad(x, name: name, top: extra - extra / 2, left: extra - extra / 2, bottom: extra / 2, right: extra / 2)
    }

    /// Whether the class head of the `position`-th map from the smallest has a Keras name
    /// (`conv2d_N`, numbered in creation order after the feature maps' convolutions) sorting
    /// before its box head's.
    private static func headOrderKeepsClassesFirst(_ architecture: SSDArchitecture, position: Int) -> Bool {
        let pairs = architecture.featureMapSizes.count - 4
        let first = 3 + 3 * pairs + 1 + 2 * position
        return "conv2d_\(first)" < "conv2d_\(first + 1)"
    }
}
