import TestSupport
@testable import Int8Kernels

/// A random int8 convolution (regular or depthwise): geometry, data and parameters, with the
/// reference kernel's output to compare a fast kernel against.
struct ConvolutionCase: CustomStringConvertible {
    var geometry: ConvolutionGeometry
    var depthMultiplier: Int
    var input: [Int8]
    var filter: [Int8]
    var bias: [Int32]?
    var multipliers: [Int32]
    var shifts: [Int32]
    var inputOffset: Int32
    var outputZeroPoint: Int32
    var activationMin: Int32
    var activationMax: Int32

    var description: String {
        let g = geometry
        return "n\(g.batches) \(g.inputHeight)x\(g.inputWidth)x\(g.inputChannels) -> \(g.outputHeight)x\(g.outputWidth)x\(g.outputChannels) "
            + "filter \(g.filterHeight)x\(g.filterWidth) stride \(g.strideHeight),\(g.strideWidth) dilation \(g.dilationHeight),\(g.dilationWidth) "
            + "pad \(g.padTop),\(g.padLeft) multiplier \(depthMultiplier) offset \(inputOffset) bias \(bias != nil)"
    }

    /// Output size along one dimension for a padding before and after (possibly unequal).
    static func extent(_ size: Int, filter: Int, stride: Int, dilation: Int, before: Int, after: Int) -> Int {
        max((size + before + after - (filter - 1) * dilation - 1) / stride + 1, 1)
    }

    /// A case with the given shape; data and requantization parameters are random.
    init(_ random: inout DeterministicRandom, batches: Int, inputHeight: Int, inputWidth: Int, inputChannels: Int,
         outputChannels: Int, filterHeight: Int, filterWidth: Int, stride: (Int, Int), dilation: (Int, Int) = (1, 1),
         padding: (top: Int, bottom: Int, left: Int, right: Int), depthMultiplier: Int = 0) {
        let outputHeight = Self.extent(inputHeight, filter: filterHeight, stride: stride.0, dilation: dilation.0,
                                       before: padding.top, after: padding.bottom)
        let outputWidth = Self.extent(inputWidth, filter: filterWidth, stride: stride.1, dilation: dilation.1,
                                      before: padding.left, after: padding.right)
        geometry = ConvolutionGeometry(
            batches: batches, inputHeight: inputHeight, inputWidth: inputWidth, inputChannels: inputChannels,
            outputHeight: outputHeight, outputWidth: outputWidth, outputChannels: outputChannels,
            filterHeight: filterHeight, filterWidth: filterWidth, strideHeight: stride.0, strideWidth: stride.1,
            dilationHeight: dilation.0, dilationWidth: dilation.1, padTop: padding.top, padLeft: padding.left)
        self.depthMultiplier = depthMultiplier
        let filterCount = depthMultiplier > 0 ? filterHeight * filterWidth * outputChannels
            : outputChannels * filterHeight * filterWidth * inputChannels
        input = random.int8s(batches * inputHeight * inputWidth * inputChannels)
        filter = random.int8s(filterCount)
        bias = random.below(5) == 0 ? nil : random.int32s(outputChannels, in: -60_000...60_000)
        multipliers = (0..<outputChannels).map { _ in Int32(1 << 30) + Int32(random.below(1 << 30)) }
        // Mostly the right shifts real layers have, some left shifts and some large ones.
        shifts = (0..<outputChannels).map { _ in Int32(random.element(of: [-31, -20, -12, -10, -9, -8, -7, -6, -5, -1, 0, 1, 3])) }
        inputOffset = Int32(random.integer(in: -127...128))
        outputZeroPoint = Int32(random.integer(in: -128...127))
        let low = random.below(3) == 0 ? Int32(random.integer(in: -128...0)) : -128
        activationMin = low
        activationMax = random.below(3) == 0 ? Int32(random.integer(in: Int(low)...127)) : 127
    }

    /// The same case with only right shifts, as the reference models' layers have: the fast
    /// kernels then take their shorter requantization (`RightShiftsOnly`).
    func withRightShiftsOnly(_ random: inout DeterministicRandom) -> ConvolutionCase {
        var c = self
        c.shifts = shifts.map { _ in Int32(random.element(of: [-31, -20, -12, -10, -9, -8, -7, -6, -5, -2, -1])) }
        return c
    }

    func withRequantization<R>(_ body: (ChannelRequantization) -> R) -> R {
        multipliers.withUnsafeBufferPointer { m in
            shifts.withUnsafeBufferPointer { s in
                body(ChannelRequantization(inputOffset: inputOffset, outputZeroPoint: outputZeroPoint,
                                           multipliers: m.baseAddress!, shifts: s.baseAddress!,
                                           activationMin: activationMin, activationMax: activationMax))
            }
        }
    }

    var outputCount: Int { geometry.batches * geometry.outputHeight * geometry.outputWidth * geometry.outputChannels }

    /// Row ranges covering `0..<batches * outputHeight` in random pieces, some empty.
    func randomRowSplit(_ random: inout DeterministicRandom) -> [Range<Int>] {
        let total = geometry.batches * geometry.outputHeight
        var cuts = [0, total]
        for _ in 0..<random.below(4) { cuts.append(random.integer(in: 0...total)) }
        cuts.sort()
        return (0..<cuts.count - 1).map { cuts[$0]..<cuts[$0 + 1] }
    }

    func referenceOutput() -> [Int8] {
        var output = [Int8](repeating: 0, count: outputCount)
        withRequantization { q in
            input.withUnsafeBufferPointer { input in
                filter.withUnsafeBufferPointer { filter in
                    withOptionalPointer(bias) { bias in
                        output.withUnsafeMutableBufferPointer { output in
                            if depthMultiplier > 0 {
                                depthwiseConvolutionInt8Reference(geometry, depthMultiplier: depthMultiplier, q,
                                                                  input: input.baseAddress!, filter: filter.baseAddress!,
                                                                  bias: bias, output: output.baseAddress!)
                            } else {
                                convolutionInt8Reference(geometry, q, input: input.baseAddress!, filter: filter.baseAddress!,
                                                         bias: bias, output: output.baseAddress!)
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}

func withOptionalPointer<T, R>(_ array: [T]?, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// The alignment the fast kernels ask of their scratch.
let scratchAlignment = 16
