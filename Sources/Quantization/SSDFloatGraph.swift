import Detection
import TFLiteFormat
import Training

/// The operator groups of the model zoo's SSD as the TFLite converter writes them, in float32:
/// folded convolutions, the shape sub-graphs feeding each RESHAPE and the anchor sub-graphs.
struct SSDFloatGraph {
    var builder = FloatGraphBuilder()
    let network: SSDNetwork

    init(_ network: SSDNetwork) {
        self.network = network
    }

    /// CONV_2D or DEPTHWISE_CONV_2D with the layer's batch normalization folded in; VALID when
    /// `valid` (after an explicit PAD), else SAME.
    mutating func convolution(_ input: Int32, layer: String, normalization: String, kernelSize: Int, stride: Int,
                              outputChannels: Int, depthwise: Bool = false, relu6: Bool,
                              valid: Bool = false) throws(FloatExportError) -> Int32 {
        let inputShape = builder.shape(of: input)
        let channels = depthwise ? inputShape[3] : outputChannels
        let folded = try FoldedConvolution(network, layer: layer, normalization: normalization, depthwise: depthwise,
                                           kernelSize: kernelSize, inputChannels: inputShape[3], outputChannels: channels)
        let filter = builder.floatConstant("model/\(layer)/\(depthwise ? "depthwise" : "Conv2D")", shape: folded.filterShape,
                                           values: folded.filter)
        let bias = builder.floatConstant("model/\(normalization)/FusedBatchNormV3", shape: [channels], values: folded.bias)
        let side = { (input: Int) in valid ? (input - kernelSize) / stride + 1 : (input + stride - 1) / stride }
        let name = relu6 ? "model/\(layer)_relu/Relu6" : "model/\(normalization)/FusedBatchNormV3;model/\(layer)/BiasAdd"
        let output = builder.activation(name, shape: [1, side(inputShape[1]), side(inputShape[2]), channels])
        let padding: Padding = valid ? .valid : .same
        let activation: FusedActivation = relu6 ? .relu6 : .none
        if depthwise {
            builder.append(.depthwiseConv2D, inputs: [input, filter, bias], outputs: [output],
                           options: .depthwiseConv2D(DepthwiseConv2DOptions(
                               padding: padding, strideWidth: Int32(stride), strideHeight: Int32(stride), depthMultiplier: 1,
                               activation: activation)))
        } else {
            builder.append(.conv2D, inputs: [input, filter, bias], outputs: [output],
                           options: .conv2D(Conv2DOptions(padding: padding, strideWidth: Int32(stride),
                                                          strideHeight: Int32(stride), activation: activation)))
        }
        return output
    }

    /// Zero padding of height and width (`top`/`left` before, `bottom`/`right` after).
    mutating func pad(_ input: Int32, name: String, top: Int, left: Int, bottom: Int, right: Int) -> Int32 {
        let shape = builder.shape(of: input)
        let paddings = builder.int32Constant("model/\(name)/Pad/paddings", shape: [4, 2],
                                             values: [0, 0, Int32(top), Int32(bottom), Int32(left), Int32(right), 0, 0])
        let output = builder.activation("model/\(name)/Pad", shape: [1, shape[1] + top + bottom, shape[2] + left + right, shape[3]])
        builder.append(.pad, inputs: [input, paddings], outputs: [output], options: .pad)
        return output
    }

    /// MEAN over height and width, then RESHAPE back to `[1, 1, 1, channels]` (Keras'
    /// GlobalAveragePooling2D and Reshape).
    mutating func globalAveragePool(_ input: Int32) -> Int32 {
        let channels = builder.shape(of: input)[3]
        let axes = builder.int32Constant("model/global_average_pooling2d/Mean/reduction_indices", shape: [2], values: [1, 2])
        let mean = builder.activation("model/global_average_pooling2d/Mean", shape: [1, channels])
        builder.append(.mean, inputs: [input, axes], outputs: [mean], options: .reducer(keepDims: false))
        return reshape(mean, to: [1, 1, channels], name: "model/reshape")
    }

    /// RESHAPE to `[1, rows, columns]`.
    mutating func rows(_ input: Int32, rows: Int, columns: Int, name: String) -> Int32 {
        reshape(input, to: [rows, columns], name: name)
    }

    /// RESHAPE to `[batch] + trailing`, the batch read at run time as Keras' Reshape does:
    /// SHAPE, STRIDED_SLICE of the first dimension, PACK with the other dimensions.
    private mutating func reshape(_ input: Int32, to trailing: [Int], name: String) -> Int32 {
        let batch = batchSize(of: input, name: name)
        let dimensions = trailing.enumerated().map { builder.scalar("\(name)/Reshape/shape/\($0.offset + 1)", $0.element) }
        let shape = builder.int32Activation("\(name)/Reshape/shape", shape: [trailing.count + 1])
        builder.append(.pack, inputs: [batch] + dimensions, outputs: [shape],
                       options: .pack(PackOptions(valuesCount: Int32(trailing.count + 1), axis: 0)))
        let output = builder.activation("\(name)/Reshape", shape: [1] + trailing)
        builder.append(.reshape, inputs: [input, shape], outputs: [output])
        return output
    }

    /// SHAPE then STRIDED_SLICE `[0:1]` with the axis shrunk: the batch size as an int32 scalar.
    private mutating func batchSize(of input: Int32, name: String) -> Int32 {
        let shape = builder.int32Activation("\(name)/Shape", shape: [builder.shape(of: input).count])
        builder.append(.shape, inputs: [input], outputs: [shape], options: .shape(outputType: .int32))
        let begin = builder.int32Constant("\(name)/strided_slice/stack", shape: [1], values: [0])
        let end = builder.int32Constant("\(name)/strided_slice/stack_1", shape: [1], values: [1])
        let strides = builder.int32Constant("\(name)/strided_slice/stack_2", shape: [1], values: [1])
        let batch = builder.int32Activation("\(name)/strided_slice", shape: [])
        builder.append(.stridedSlice, inputs: [shape, begin, end, strides], outputs: [batch],
                       options: .stridedSlice(StridedSliceOptions(shrinkAxisMask: 1)))
        return batch
    }

    /// The anchors of one feature map as `[1, cells x anchors, 4]` rows: a `[1, h, w, anchors, 4]`
    /// constant TILEd by the batch size of `map` (the zoo's anchor Lambda), then reshaped.
    mutating func anchors(for map: Int32, boxes: ArraySlice<BoundingBox>, anchorsPerCell: Int, name: String,
                          reshapeName: String) -> Int32 {
        let shape = builder.shape(of: map)
        let (height, width) = (shape[1], shape[2])
        let corners = boxes.flatMap { [$0.x0, $0.y0, $0.x1, $0.y1] }
        let constant = builder.floatConstant("\(name)/Const", shape: [1, height, width, anchorsPerCell, 4], values: corners)
        let batch = batchSize(of: map, name: name)
        let one = builder.scalar("\(name)/Tile/multiples/1", 1)
        let multiples = builder.int32Activation("\(name)/Tile/multiples", shape: [5])
        builder.append(.pack, inputs: [batch, one, one, one, one], outputs: [multiples],
                       options: .pack(PackOptions(valuesCount: 5, axis: 0)))
        let tiled = builder.activation("\(name)/Tile", shape: [1, height, width, anchorsPerCell, 4])
        builder.append(.tile, inputs: [constant, multiples], outputs: [tiled])
        return rows(tiled, rows: height * width * anchorsPerCell, columns: 4, name: reshapeName)
    }

    /// Bilinear x2 upsampling with half-pixel centres (Keras' UpSampling2D, bilinear).
    mutating func upsample(_ input: Int32, name: String) -> Int32 {
        let shape = builder.shape(of: input)
        let size = builder.int32Constant("model/\(name)/mul", shape: [2], values: [Int32(2 * shape[1]), Int32(2 * shape[2])])
        let output = builder.activation("model/\(name)/resize/ResizeBilinear", shape: [1, 2 * shape[1], 2 * shape[2], shape[3]])
        builder.append(.resizeBilinear, inputs: [input, size], outputs: [output],
                       options: .resizeBilinear(ResizeBilinearOptions(alignCorners: false, halfPixelCenters: true)))
        return output
    }

    mutating func add(_ a: Int32, _ b: Int32, name: String) -> Int32 {
        let output = builder.activation("model/\(name)/add", shape: builder.shape(of: a))
        builder.append(.add, inputs: [a, b], outputs: [output], options: .add(AddOptions()))
        return output
    }

    mutating func concatenate(_ inputs: [Int32], axis: Int, name: String) -> Int32 {
        var shape = builder.shape(of: inputs[0])
        shape[axis] = inputs.reduce(0) { $0 + builder.shape(of: $1)[axis] }
        let output = builder.activation(name, shape: shape)
        builder.append(.concatenation, inputs: inputs, outputs: [output],
                       options: .concatenation(ConcatenationOptions(axis: Int32(axis))))
        return output
    }

    mutating func softmax(_ input: Int32, name: String) -> Int32 {
        let output = builder.activation(name, shape: builder.shape(of: input))
        builder.append(.softmax, inputs: [input], outputs: [output], options: .softmax(beta: 1))
        return output
    }
}
