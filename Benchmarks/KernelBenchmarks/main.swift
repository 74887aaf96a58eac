// Times the reference and fast int8 and float32 kernels on the 192 SSD model's layer shapes and
// prints GMAC/s (values per second for QUANTIZE and ADD).
// Run: swift run -c release kernel-bench [--quick] [text a layer name must contain]
import Int8Kernels
#if TINYSSD_AVX512
import Int8KernelsAVX512
#endif

/// xorshift64*: repeatable benchmark data without Foundation.
struct Generator {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
    mutating func int8s(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8(truncatingIfNeeded: next()) } }
    mutating func int32s(_ count: Int, below bound: UInt64) -> [Int32] {
        (0..<count).map { _ in Int32(next() % bound) }
    }
    /// Floats in [-1, 1).
    mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in Float(next() >> 40) / Float(1 << 23) - 1 }
    }
}

let quick = CommandLine.arguments.contains("--quick")
let filter = CommandLine.arguments.dropFirst().first { !$0.hasPrefix("--") }
let clock = ContinuousClock()

/// Fastest seconds per call of `body` over at least 3 calls and about `budget` seconds: on a
/// shared machine the minimum is the figure least disturbed by other processes.
func secondsPerCall(budget: Double, _ body: () -> Void) -> Double {
    body()
    var samples: [Double] = []
    var spent = 0.0
    while samples.count < 3 || spent < budget {
        let elapsed = clock.measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        samples.append(seconds)
        spent += seconds
    }
    return samples.min()!
}

/// `value` with exactly `decimals` digits after the point.
func format(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let fraction = text[text.index(after: dot)...].count
        if fraction < decimals { text += String(repeating: "0", count: decimals - fraction) }
    }
    return text
}

/// `text` right-aligned in `width` characters.
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

/// One benchmark row: MACs (or values) per call and the two kernels to time.
struct Row {
    var name: String
    var work: Int
    var reference: () -> Void
    var fast: () -> Void
    /// The AVX-512 VNNI kernel, where there is one and the CPU runs it.
    var vnni: (() -> Void)? = nil
}

/// Random data and requantization parameters for one layer shape.
struct Layer {
    var input: [Int8]
    var filter: [Int8]
    var bias: [Int32]
    var multipliers: [Int32]
    var shifts: [Int32]
    var output: [Int8]
    var geometry: ConvolutionGeometry

    init(_ generator: inout Generator, size: Int, channels: Int, outputChannels: Int, filter: Int, stride: Int,
         padBefore: Int, padAfter: Int, depthwise: Bool) {
        let outputSize = (size + padBefore + padAfter - filter) / stride + 1
        geometry = ConvolutionGeometry(
            batches: 1, inputHeight: size, inputWidth: size, inputChannels: channels, outputHeight: outputSize,
            outputWidth: outputSize, outputChannels: outputChannels, filterHeight: filter, filterWidth: filter,
            strideHeight: stride, strideWidth: stride, padTop: padBefore, padLeft: padBefore)
        input = generator.int8s(size * size * channels)
        self.filter = generator.int8s(filter * filter * outputChannels * (depthwise ? 1 : channels))
        bias = generator.int32s(outputChannels, below: 4000)
        multipliers = generator.int32s(outputChannels, below: 1 << 30).map { $0 + (1 << 30) }
        shifts = [Int32](repeating: -8, count: outputChannels)
        output = [Int8](repeating: 0, count: outputSize * outputSize * outputChannels)
    }

    func withRequantization<R>(_ body: (ChannelRequantization) -> R) -> R {
        multipliers.withUnsafeBufferPointer { m in
            shifts.withUnsafeBufferPointer { s in
                body(ChannelRequantization(inputOffset: 5, outputZeroPoint: -3, multipliers: m.baseAddress!,
                                           shifts: s.baseAddress!, activationMin: -128, activationMax: 127))
            }
        }
    }
}

/// A CONV_2D row: reference against `convolutionInt8Fast` over all output rows.
func convolutionRow(_ generator: inout Generator, _ name: String, size: Int, channels: Int, outputChannels: Int,
                    filter: Int = 1, stride: Int = 1, padBefore: Int = 0, padAfter: Int = 0) -> Row {
    var layer = Layer(&generator, size: size, channels: channels, outputChannels: outputChannels, filter: filter,
                      stride: stride, padBefore: padBefore, padAfter: padAfter, depthwise: false)
    let packed = layer.withRequantization { q in
        PackedConvolution(layer.geometry, q, filter: layer.filter, bias: layer.bias)
    }
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: packed.scratchByteCount, alignment: 64)
    let rows = 0..<layer.geometry.outputHeight
    var row = Row(
        name: name, work: layer.geometry.convolutionMACs,
        reference: {
            layer.withRequantization { q in
                convolutionInt8Reference(layer.geometry, q, input: layer.input, filter: layer.filter, bias: layer.bias,
                                         output: &layer.output)
            }
        },
        fast: { convolutionInt8Fast(packed, input: layer.input, output: &layer.output, rows: rows, scratch: scratch) })
    #if TINYSSD_AVX512
    if avx512VNNIAvailable {
        let vnni = layer.withRequantization { q in
            PackedConvolutionVNNI(layer.geometry, q, filter: layer.filter, bias: layer.bias)
        }
        let vnniScratch = UnsafeMutableRawPointer.allocate(byteCount: vnni.scratchByteCount, alignment: 64)
        row.vnni = { convolutionInt8VNNI(vnni, input: layer.input, output: &layer.output, rows: rows, scratch: vnniScratch) }
    }
    #endif
    return row
}

/// A 3x3 DEPTHWISE_CONV_2D row with depth multiplier 1.
func depthwiseRow(_ generator: inout Generator, _ name: String, size: Int, channels: Int, stride: Int,
                  padding: Int) -> Row {
    var layer = Layer(&generator, size: size, channels: channels, outputChannels: channels, filter: 3, stride: stride,
                      padBefore: padding, padAfter: padding, depthwise: true)
    let packed = layer.withRequantization { q in
        PackedDepthwiseConvolution(layer.geometry, depthMultiplier: 1, q, filter: layer.filter, bias: layer.bias)
    }
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: packed.scratchByteCount, alignment: 64)
    let rows = 0..<layer.geometry.outputHeight
    var row = Row(
        name: name, work: layer.geometry.depthwiseMACs,
        reference: {
            layer.withRequantization { q in
                depthwiseConvolutionInt8Reference(layer.geometry, depthMultiplier: 1, q, input: layer.input,
                                                  filter: layer.filter, bias: layer.bias, output: &layer.output)
            }
        },
        fast: { depthwiseConvolutionInt8Fast(packed, input: layer.input, output: &layer.output, rows: rows, scratch: scratch) })
    #if TINYSSD_AVX512
    if avx512VNNIAvailable, let vnni = layer.withRequantization({ q in
        PackedDepthwiseConvolutionVNNI(layer.geometry, depthMultiplier: 1, q, filter: layer.filter, bias: layer.bias)
    }) {
        let vnniScratch = UnsafeMutableRawPointer.allocate(byteCount: vnni.scratchByteCount, alignment: 64)
        row.vnni = {
            depthwiseConvolutionInt8VNNI(vnni, input: layer.input, output: &layer.output, rows: rows, scratch: vnniScratch)
        }
    }
    #endif
    return row
}

/// A float32 CONV_2D row (ReLU6): `convolutionFloatReference` against `convolutionFloatFast`.
func floatConvolutionRow(_ generator: inout Generator, _ name: String, size: Int, channels: Int, outputChannels: Int,
                         filter: Int = 1, stride: Int = 1, padBefore: Int = 0, padAfter: Int = 0) -> Row {
    let shape = Layer(&generator, size: size, channels: channels, outputChannels: outputChannels, filter: filter,
                      stride: stride, padBefore: padBefore, padAfter: padAfter, depthwise: false)
    let g = shape.geometry
    let input = generator.floats(shape.input.count)
    let weights = generator.floats(shape.filter.count)
    let bias = generator.floats(outputChannels)
    var output = [Float](repeating: 0, count: shape.output.count)
    let packed = PackedConvolutionFloat(g, filter: weights, bias: bias, activationMin: 0, activationMax: 6)
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(packed.scratchByteCount, 1), alignment: 64)
    let rows = 0..<g.outputHeight
    return Row(
        name: name, work: g.convolutionMACs,
        reference: {
            convolutionFloatReference(g, input: input, filter: weights, bias: bias, activationMin: 0, activationMax: 6,
                                      output: &output)
        },
        fast: { convolutionFloatFast(packed, input: input, output: &output, rows: rows, scratch: scratch) })
}

/// A float32 3x3 DEPTHWISE_CONV_2D row (multiplier 1, ReLU6).
func floatDepthwiseRow(_ generator: inout Generator, _ name: String, size: Int, channels: Int, stride: Int,
                       padding: Int) -> Row {
    let shape = Layer(&generator, size: size, channels: channels, outputChannels: channels, filter: 3, stride: stride,
                      padBefore: padding, padAfter: padding, depthwise: true)
    let g = shape.geometry
    let input = generator.floats(shape.input.count)
    let weights = generator.floats(shape.filter.count)
    let bias = generator.floats(channels)
    var output = [Float](repeating: 0, count: shape.output.count)
    let packed = PackedDepthwiseConvolutionFloat(g, depthMultiplier: 1, filter: weights, bias: bias, activationMin: 0,
                                                 activationMax: 6)
    let scratch = UnsafeMutableRawPointer.allocate(byteCount: packed.scratchByteCount, alignment: 64)
    let rows = 0..<g.outputHeight
    return Row(
        name: name, work: g.depthwiseMACs,
        reference: {
            depthwiseConvolutionFloatReference(g, depthMultiplier: 1, input: input, filter: weights, bias: bias,
                                               activationMin: 0, activationMax: 6, output: &output)
        },
        fast: { depthwiseConvolutionFloatFast(packed, input: input, output: &output, rows: rows, scratch: scratch) })
}

/// The input QUANTIZE (uint8 -> int8) row.
func requantizeRow(_ generator: inout Generator, _ name: String, count: Int) -> Row {
    let input = generator.int8s(count).map { UInt8(bitPattern: $0) }
    var output = [Int8](repeating: 0, count: count)
    return Row(
        name: name, work: count,
        reference: {
            requantize(count: count, tiesUpCount: count / 16 * 16, inputZeroPoint: 127, outputZeroPoint: -1, multiplier: 1_077_952_576, shift: 1,
                       input: input, output: &output)
        },
        fast: {
            requantizeFast(count: count, tiesUpCount: count / 16 * 16, inputZeroPoint: 127, outputZeroPoint: -1,
                           multiplier: 1_077_952_576, shift: 1, input: input, output: &output)
        })
}

/// A same-shape int8 ADD row with parameters like the model's.
func addRow(_ generator: inout Generator, _ name: String, count: Int) -> Row {
    let a = generator.int8s(count)
    let b = generator.int8s(count)
    var output = [Int8](repeating: 0, count: count)
    let q = AdditionQuantization(
        inputOffsetA: 3, inputOffsetB: -7, leftShift: 20, multiplierA: 1_500_000_000, shiftA: -1, multiplierB: 1_900_000_000,
        shiftB: -2, outputMultiplier: 1_200_000_000, outputShift: -18, outputZeroPoint: 4, activationMin: -128,
        activationMax: 127)
    return Row(name: name, work: count, reference: { addInt8(count: count, q, a: a, b: b, output: &output) },
               fast: { addInt8Fast(elements: 0..<count, q, a: a, b: b, output: &output) })
}

var generator = Generator()
var rows: [Row] = [
    convolutionRow(&generator, "conv 3x3 s2 192x192x3->8 (stem)", size: 192, channels: 3, outputChannels: 8,
                   filter: 3, stride: 2, padAfter: 1),
    convolutionRow(&generator, "conv 1x1 96x96x8->16", size: 96, channels: 8, outputChannels: 16),
    convolutionRow(&generator, "conv 1x1 48x48x16->32", size: 48, channels: 16, outputChannels: 32),
    convolutionRow(&generator, "conv 1x1 48x48x32->32", size: 48, channels: 32, outputChannels: 32),
    convolutionRow(&generator, "conv 1x1 24x24x32->64", size: 24, channels: 32, outputChannels: 64),
    convolutionRow(&generator, "conv 1x1 24x24x64->64", size: 24, channels: 64, outputChannels: 64),
    convolutionRow(&generator, "conv 1x1 24x24x64->32", size: 24, channels: 64, outputChannels: 32),
    convolutionRow(&generator, "conv 1x1 12x12x128->128", size: 12, channels: 128, outputChannels: 128),
    convolutionRow(&generator, "conv 1x1 6x6x256->256", size: 6, channels: 256, outputChannels: 256),
    convolutionRow(&generator, "conv 1x1 3x3x256->256", size: 3, channels: 256, outputChannels: 256),
    convolutionRow(&generator, "conv 3x3 24x24x32->20 (head)", size: 24, channels: 32, outputChannels: 20,
                   filter: 3, padBefore: 1, padAfter: 1),
    convolutionRow(&generator, "conv 3x3 24x24x32->10 (head)", size: 24, channels: 32, outputChannels: 10,
                   filter: 3, padBefore: 1, padAfter: 1),
    convolutionRow(&generator, "conv 3x3 12x12x32->20 (head)", size: 12, channels: 32, outputChannels: 20,
                   filter: 3, padBefore: 1, padAfter: 1),
    depthwiseRow(&generator, "depthwise 3x3 s1 96x96x8", size: 96, channels: 8, stride: 1, padding: 1),
    depthwiseRow(&generator, "depthwise 3x3 s2 97x97x16 (padded)", size: 97, channels: 16, stride: 2, padding: 0),
    depthwiseRow(&generator, "depthwise 3x3 s1 48x48x32", size: 48, channels: 32, stride: 1, padding: 1),
    depthwiseRow(&generator, "depthwise 3x3 s2 49x49x32 (padded)", size: 49, channels: 32, stride: 2, padding: 0),
    depthwiseRow(&generator, "depthwise 3x3 s1 24x24x64", size: 24, channels: 64, stride: 1, padding: 1),
    depthwiseRow(&generator, "depthwise 3x3 s2 25x25x64 (padded)", size: 25, channels: 64, stride: 2, padding: 0),
    depthwiseRow(&generator, "depthwise 3x3 s1 12x12x128", size: 12, channels: 128, stride: 1, padding: 1),
    depthwiseRow(&generator, "depthwise 3x3 s1 6x6x256", size: 6, channels: 256, stride: 1, padding: 1),
    requantizeRow(&generator, "quantize uint8->int8 192x192x3 (input)", count: 192 * 192 * 3),
    addRow(&generator, "add int8 24x24x32 (feature pyramid)", count: 24 * 24 * 32),
    floatConvolutionRow(&generator, "float conv 3x3 s2 192x192x3->8 (stem)", size: 192, channels: 3, outputChannels: 8,
                        filter: 3, stride: 2, padAfter: 1),
    floatConvolutionRow(&generator, "float conv 1x1 96x96x8->16", size: 96, channels: 8, outputChannels: 16),
    floatConvolutionRow(&generator, "float conv 1x1 48x48x16->32", size: 48, channels: 16, outputChannels: 32),
    floatConvolutionRow(&generator, "float conv 1x1 48x48x32->32", size: 48, channels: 32, outputChannels: 32),
    floatConvolutionRow(&generator, "float conv 1x1 24x24x32->64", size: 24, channels: 32, outputChannels: 64),
    floatConvolutionRow(&generator, "float conv 1x1 24x24x64->64", size: 24, channels: 64, outputChannels: 64),
    floatConvolutionRow(&generator, "float conv 1x1 24x24x64->32", size: 24, channels: 64, outputChannels: 32),
    floatConvolutionRow(&generator, "float conv 1x1 12x12x128->128", size: 12, channels: 128, outputChannels: 128),
    floatConvolutionRow(&generator, "float conv 1x1 6x6x256->256", size: 6, channels: 256, outputChannels: 256),
    floatConvolutionRow(&generator, "float conv 1x1 3x3x256->256", size: 3, channels: 256, outputChannels: 256),
    floatConvolutionRow(&generator, "float conv 3x3 24x24x32->20 (head)", size: 24, channels: 32, outputChannels: 20,
                        filter: 3, padBefore: 1, padAfter: 1),
    floatConvolutionRow(&generator, "float conv 3x3 24x24x32->10 (head)", size: 24, channels: 32, outputChannels: 10,
                        filter: 3, padBefore: 1, padAfter: 1),
    floatConvolutionRow(&generator, "float conv 3x3 12x12x32->20 (head)", size: 12, channels: 32, outputChannels: 20,
                        filter: 3, padBefore: 1, padAfter: 1),
    floatDepthwiseRow(&generator, "float depthwise 3x3 s1 96x96x8", size: 96, channels: 8, stride: 1, padding: 1),
    floatDepthwiseRow(&generator, "float depthwise 3x3 s2 97x97x16 (padded)", size: 97, channels: 16, stride: 2, padding: 0),
    floatDepthwiseRow(&generator, "float depthwise 3x3 s1 48x48x32", size: 48, channels: 32, stride: 1, padding: 1),
    floatDepthwiseRow(&generator, "float depthwise 3x3 s2 49x49x32 (padded)", size: 49, channels: 32, stride: 2, padding: 0),
    floatDepthwiseRow(&generator, "float depthwise 3x3 s1 24x24x64", size: 24, channels: 64, stride: 1, padding: 1),
    floatDepthwiseRow(&generator, "float depthwise 3x3 s2 25x25x64 (padded)", size: 25, channels: 64, stride: 2, padding: 0),
    floatDepthwiseRow(&generator, "float depthwise 3x3 s1 12x12x128", size: 12, channels: 128, stride: 1, padding: 1),
    floatDepthwiseRow(&generator, "float depthwise 3x3 s1 6x6x256", size: 6, channels: 256, stride: 1, padding: 1),
]

let budget = quick ? 0.05 : 0.3
print("| layer | MACs or values | reference G/s | fast G/s | speedup | AVX-512 VNNI G/s |")
print("|---|---:|---:|---:|---:|---:|")
for row in rows where filter.map({ row.name.contains($0) }) ?? true {
    let reference = secondsPerCall(budget: budget, row.reference)
    let fast = secondsPerCall(budget: budget, row.fast)
    let work = Double(row.work)
    let vnni = row.vnni.map { pad(format(work / secondsPerCall(budget: budget, $0) / 1e9, 2), 6) } ?? "-"
    print("| \(row.name) | \(row.work) | \(pad(format(work / reference / 1e9, 2), 6)) | \(pad(format(work / fast / 1e9, 2), 6)) | \(pad(format(reference / fast, 1), 5))x | \(vnni) |")
}
