/// Writes the im2col row of output pixel `pixel` (batch-major over `batches * outputHeight *
/// outputWidth`): for every filter tap in OHWI order the tap's input channels widened to int16,
/// or `zeroPoint` for taps in the padding, then one 0 when the depth is odd.
///
/// A padding tap holding the input zero point contributes nothing once the zero point is folded
/// into the bias, exactly as the reference skips it.
@inline(__always)
func gatherIm2colRow(_ g: ConvolutionGeometry, pixel: Int, input: UnsafePointer<Int8>, zeroPoint: Int16,
                     to row: UnsafeMutablePointer<Int16>) {
    let x = pixel % g.outputWidth
    let rest = pixel / g.outputWidth
    let y = rest % g.outputHeight
    let b = rest / g.outputHeight
    let channels = g.inputChannels
    var offset = 0
    for fy in 0..<g.filterHeight {
        let iy = y * g.strideHeight - g.padTop + fy * g.dilationHeight
        let rowInside = iy >= 0 && iy < g.inputHeight
        for fx in 0..<g.filterWidth {
            let ix = x * g.strideWidth - g.padLeft + fx * g.dilationWidth
            if rowInside && ix >= 0 && ix < g.inputWidth {
                widenToInt16(input + ((b * g.inputHeight + iy) * g.inputWidth + ix) * channels, count: channels,
                             to: row + offset)
            } else {
                (row + offset).update(repeating: zeroPoint, count: channels)
            }
            offset += channels
        }
    }
    if offset % 2 == 1 { row[offset] = 0 }
}
