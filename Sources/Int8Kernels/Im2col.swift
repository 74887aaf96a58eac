/// The batch, row and column of an output pixel, stepped one pixel at a time in batch-major
/// order so no division is needed per pixel.
struct OutputPosition {
    var batch: Int
    var y: Int
    var x: Int

    init(pixel: Int, _ g: ConvolutionGeometry) {
        x = pixel % g.outputWidth
        let rest = pixel / g.outputWidth
        y = rest % g.outputHeight
        batch = rest / g.outputHeight
    }

    @inline(__always)
    mutating func advance(_ g: ConvolutionGeometry) {
        x += 1
        guard x == g.outputWidth else { return }
        x = 0
        y += 1
        guard y == g.outputHeight else { return }
        y = 0
        batch += 1
    }
}

/// Writes the im2col row of the output pixel at `p`: for every filter tap in OHWI order the
/// tap's input channels widened to int16, or `zeroPoint` for taps in the padding. When the
/// depth is odd the value after it is left undefined: its packed weight is 0.
///
/// A padding tap holding the input zero point contributes nothing once the zero point is folded
/// into the bias, exactly as the reference skips it. `row` must have `im2colSlack` values of room
/// after the depth: copies may write whole 16-value blocks past their end. Index arithmetic
/// wraps (`&+`, `&*`): the geometry's products were checked when the tensors were sized.
@inline(__always)
func gatherIm2colRow(_ g: ConvolutionGeometry, at p: OutputPosition, input: UnsafePointer<Int8>, inputCount: Int,
                     zeroPoint: Int16, to row: UnsafeMutablePointer<Int16>) {
    let channels = g.inputChannels
    let rowLength = g.filterWidth &* channels
    let left = p.x &* g.strideWidth &- g.padLeft
    let top = p.y &* g.strideHeight &- g.padTop
    var destination = row
    for fy in 0..<g.filterHeight {
        let iy = top &+ fy &* g.dilationHeight
        if iy < 0 || iy >= g.inputHeight {
            destination.update(repeating: zeroPoint, count: rowLength)
        } else if g.dilationWidth == 1 {
            // Undilated taps of one filter row are adjacent input pixels: one contiguous copy.
            let first = min(max(0 &- left, 0), g.filterWidth)
            let end = max(min(g.inputWidth &- left, g.filterWidth), first)
            let start = ((p.batch &* g.inputHeight &+ iy) &* g.inputWidth &+ left &+ first) &* channels
            let count = (end &- first) &* channels
            destination.update(repeating: zeroPoint, count: first &* channels)
            widenToInt16(input + start, count: count, to: destination + first &* channels,
                         overrun: start &+ count &+ 16 <= inputCount)
            (destination + end &* channels).update(repeating: zeroPoint, count: (g.filterWidth &- end) &* channels)
        } else {
            for fx in 0..<g.filterWidth {
                let ix = left &+ fx &* g.dilationWidth
                if ix >= 0 && ix < g.inputWidth {
                    widenToInt16(input + ((p.batch &* g.inputHeight &+ iy) &* g.inputWidth &+ ix) &* channels,
                                 count: channels, to: destination + fx &* channels)
                } else {
                    (destination + fx &* channels).update(repeating: zeroPoint, count: channels)
                }
            }
        }
        destination += rowLength
    }
}

/// Values of room an im2col row needs after its depth for `gatherIm2colRow`'s block copies.
let im2colSlack = 16
