import TFLiteFormat

/// A supported builtin operator: the newest version whose semantics we implement, and how to
/// prepare it.
struct OperatorKernel: Sendable {
    let maximumVersion: Int32
    let prepare: @Sendable (OperatorContext) throws(RuntimeError) -> PreparedOperator
}

/// Every builtin operator the runtime executes. Versions follow TFLite's op_version rules:
/// a higher version means a type or option this runtime does not implement.
let operatorKernels: [BuiltinOperator: OperatorKernel] = [
    .conv2D: OperatorKernel(maximumVersion: 3, prepare: prepareConvolution),
    .depthwiseConv2D: OperatorKernel(maximumVersion: 3, prepare: prepareDepthwiseConvolution),
    .pad: OperatorKernel(maximumVersion: 2, prepare: preparePad),
    .mean: OperatorKernel(maximumVersion: 2, prepare: prepareMean),
    .reshape: OperatorKernel(maximumVersion: 1, prepare: prepareReshape),
    .tile: OperatorKernel(maximumVersion: 3, prepare: prepareTile),
    .resizeBilinear: OperatorKernel(maximumVersion: 3, prepare: prepareResizeBilinear),
    .add: OperatorKernel(maximumVersion: 2, prepare: prepareAdd),
    .concatenation: OperatorKernel(maximumVersion: 2, prepare: prepareConcatenation),
    .pack: OperatorKernel(maximumVersion: 2, prepare: preparePack),
    .softmax: OperatorKernel(maximumVersion: 2, prepare: prepareSoftmax),
    .quantize: OperatorKernel(maximumVersion: 1, prepare: prepareQuantize),
    .dequantize: OperatorKernel(maximumVersion: 2, prepare: prepareDequantize),
    .shape: OperatorKernel(maximumVersion: 1, prepare: prepareShape),
    .stridedSlice: OperatorKernel(maximumVersion: 4, prepare: prepareStridedSlice),
]
