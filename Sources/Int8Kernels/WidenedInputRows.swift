/// Writes the input rows that output row `row` (batch-major) reads, one per filter row, widened
/// to int16 and framed by the padding: column `c` of a widened row holds input column
/// `c - padLeft`, or `zeroPoint` where that is outside the input, as are whole rows above or
/// below it. A padding value holding the input zero point contributes nothing once the zero
/// point is folded into the bias, exactly as the reference skips padding taps.
@inline(__always)
func widenInputRows(_ packed: PackedConvolution, row: Int, input: UnsafePointer<Int8>,
                    to rows: UnsafeMutablePointer<Int16>) {
    let g = packed.geometry
    let channels = g.inputChannels
    let width = packed.geometry.paddedInputWidth
    let leftColumns = min(g.padLeft, width)
    let insideColumns = max(min(g.inputWidth, width - leftColumns), 0)
    let inputCount = g.batches * g.inputHeight * g.inputWidth * channels
    let batch = row / g.outputHeight
    let top = (row % g.outputHeight) * g.strideHeight - g.padTop
    for fy in 0..<g.filterHeight {
        let destination = rows + fy * packed.rowStride
        let iy = top + fy * g.dilationHeight
        guard iy >= 0 && iy < g.inputHeight else {
            destination.update(repeating: packed.inputZeroPoint, count: width * channels)
            continue
        }
        destination.update(repeating: packed.inputZeroPoint, count: leftColumns * channels)
        let start = (batch * g.inputHeight + iy) * g.inputWidth * channels
        let count = insideColumns * channels
        // Copies may run up to 15 values past the row; the right padding is written afterwards.
        widenToInt16(input + start, count: count, to: destination + leftColumns * channels,
                     overrun: start + count + 16 <= inputCount)
        (destination + (leftColumns + insideColumns) * channels)
            .update(repeating: packed.inputZeroPoint, count: (width - leftColumns - insideColumns) * channels)
    }
}
