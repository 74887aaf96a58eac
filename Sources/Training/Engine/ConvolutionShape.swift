/// The geometry of a square-kernel convolution over one NHWC image: explicit zero padding on
/// each side (Keras "same" is `samePadding`, the zoo's stride-2 blocks pad bottom and right only).
struct ConvolutionShape: Equatable {
    let inputHeight: Int
    let inputWidth: Int
    let inputChannels: Int
    let outputChannels: Int
    let kernelSize: Int
    let stride: Int
    let padTop: Int
    let padLeft: Int
    let padBottom: Int
    let padRight: Int

    init(inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int, kernelSize: Int,
         stride: Int, padTop: Int, padLeft: Int, padBottom: Int, padRight: Int) {
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padTop = padTop
        self.padLeft = padLeft
        self.padBottom = padBottom
        self.padRight = padRight
    }

    /// Keras/TensorFlow "same" padding: output side `ceil(input / stride)`, the odd pixel of
    /// padding going after (bottom, right).
    static func same(inputHeight: Int, inputWidth: Int, inputChannels: Int, outputChannels: Int,
                     kernelSize: Int, stride: Int) -> ConvolutionShape {
        func padding(_ side: Int) -> (Int, Int) {
            let output = (side + stride - 1) / stride
            let total = max((output - 1) * stride + kernelSize - side, 0)
            return (total / 2, total - total / 2)
        }
        let (top, bottom) = padding(inputHeight), (left, right) = padding(inputWidth)
        return ConvolutionShape(inputHeight: inputHeight, inputWidth: inputWidth, inputChannels: inputChannels,
                                outputChannels: outputChannels, kernelSize: kernelSize, stride: stride,
                                padTop: top, padLeft: left, padBottom: bottom, padRight: right)
    }

    var outputHeight: Int { (inputHeight + padTop + padBottom - kernelSize) / stride + 1 }
    var outputWidth: Int { (inputWidth + padLeft + padRight - kernelSize) / stride + 1 }
    var taps: Int { kernelSize * kernelSize }
    var inputPixels: Int { inputHeight * inputWidth }
    var outputPixels: Int { outputHeight * outputWidth }

    /// Output columns `lower..<upper` whose taps all fall inside the input row.
    var interiorColumns: Range<Int> {
        let lower = min((padLeft + stride - 1) / stride, outputWidth)
        let lastStart = inputWidth + padLeft - kernelSize
        guard lastStart >= 0 else { return lower..<lower }
        return lower..<max(min(lastStart / stride + 1, outputWidth), lower)
    }
}
