/// Fills the 256-entry table LiteRT's int8 softmax uses: `table[255 - d] = e^(-inputScale * beta * d)`.
public func fillSoftmaxTable(_ table: UnsafeMutablePointer<Float>, inputScale: Float, beta: Float) {
    let scale = -inputScale * beta
    for d in 0...255 { table[255 - d] = exponential(scale * Float(d)) }
}

/// int8 SOFTMAX over the last dimension, as LiteRT's optimized kernel computes it on x86:
/// float exponentials from a table indexed by the distance to the row maximum, a float sum,
/// and rounding of `p / outputScale` half away from zero.
public func softmaxInt8(
    rows: Int, depth: Int, table: UnsafePointer<Float>, outputScale: Float, outputZeroPoint: Int32,
    input: UnsafePointer<Int8>, output: UnsafeMutablePointer<Int8>
) {
    for row in 0..<rows {
        let x = input + row * depth
        let y = output + row * depth
        var maximum: Int32 = -128
        for j in 0..<depth { maximum = max(maximum, Int32(x[j])) }
        // table[255 - maximum + x] = e^(scale * (x - maximum)), so index by x after this offset.
        let rowTable = table + Int(255 - maximum)
        var sum: Float = 0
        for j in 0..<depth { sum += rowTable[Int(x[j])] }
        let inverse = 1 / (sum * outputScale)
        for j in 0..<depth {
            let scaled = (rowTable[Int(x[j])] * inverse).rounded(.toNearestOrAwayFromZero)
            let quantized = Int32(min(max(scaled, -512), 512)) &+ outputZeroPoint
            y[j] = Int8(truncatingIfNeeded: min(max(quantized, -128), 127))
        }
    }
}

/// float32 SOFTMAX over the last dimension: `e^(beta * (x - max)) / sum`.
public func softmaxFloat(rows: Int, depth: Int, beta: Float, input: UnsafePointer<Float>,
                         output: UnsafeMutablePointer<Float>) {
    for row in 0..<rows {
        let x = input + row * depth
        let y = output + row * depth
        var maximum = -Float.greatestFiniteMagnitude
        for j in 0..<depth { maximum = max(maximum, x[j]) }
        var sum: Float = 0
        for j in 0..<depth {
            y[j] = exponential((x[j] - maximum) * beta)
            sum += y[j]
        }
        for j in 0..<depth { y[j] /= sum }
    }
}

/// The outputs of `softmaxInt8` for rows of two values, indexed by `x0 - x1 + 255`: with the
/// table indexed by the distance to the row maximum, a row's outputs depend only on that difference.
public func fillSoftmaxPairTable(_ pairs: UnsafeMutablePointer<Int8>, table: UnsafePointer<Float>, outputScale: Float,
                                 outputZeroPoint: Int32) {
    for difference in -255...255 {
        let row: SIMD2<Int8> = difference >= 0 ? [Int8(difference - 128), -128] : [-128, Int8(-difference - 128)]
        withUnsafeBytes(of: row) { input in
            softmaxInt8(rows: 1, depth: 2, table: table, outputScale: outputScale, outputZeroPoint: outputZeroPoint,
                        input: input.bindMemory(to: Int8.self).baseAddress!, output: pairs + 2 * (difference + 255))
        }
    }
}

/// `softmaxInt8` over rows of two values, bit for bit, from the table `fillSoftmaxPairTable` fills.
public func softmaxInt8Pairs(rows: Int, pairs: UnsafePointer<Int8>, input: UnsafePointer<Int8>,
                             output: UnsafeMutablePointer<Int8>) {
    let table = UnsafeRawPointer(pairs)
    let destination = UnsafeMutableRawPointer(output)
    for row in 0..<rows {
        let index = Int(input[2 &* row]) &- Int(input[2 &* row &+ 1]) &+ 255
        destination.storeBytes(of: table.loadUnaligned(fromByteOffset: 2 &* index, as: UInt16.self),
                               toByteOffset: 2 &* row, as: UInt16.self)
    }
}
