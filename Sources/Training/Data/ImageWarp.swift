import ImageIO

/// Bilinear resampling of an RGB image through an affine map, into 0...255 floats (HWC, same size).
/// `source` holds the image as floats (see `copyPixels`) plus one spare value, so each pixel loads
/// as one 4-lane vector. `inverse` maps output coordinates to source coordinates; source pixels
/// outside the image read as `fill`. Where the map sends pixel centres onto pixel centres (flips,
/// the identity) the result is exactly the source.
func warp(_ source: UnsafePointer<Float>, width: Int, height: Int, inverse: AffineMap, fill: Float,
          into output: UnsafeMutablePointer<Float>) {
    // Source coordinates in 16.16 fixed point: integer steps, no float-to-int conversions per pixel.
    let one = 65536.0
    let stepX = Int((inverse.a * one).rounded()), stepY = Int((inverse.d * one).rounded())
    let limitX = (width - 1) << 16, limitY = (height - 1) << 16
    let rowLength = width &* 3, count = rowLength &* height
    @inline(__always) func pixel(_ index: Int) -> SIMD4<Float> {
        UnsafeRawPointer(source + index).loadUnaligned(as: SIMD4<Float>.self)
    }
    for y in 0..<height {
        let centreY = Double(y) + 0.5
        // Source index coordinates (pixel centres at integers) of output pixel (0, y).
        let startX = inverse.b * centreY + inverse.c + inverse.a * 0.5 - 0.5
        let startY = inverse.e * centreY + inverse.f + inverse.d * 0.5 - 0.5
        var fixedX = Int((startX * one).rounded()), fixedY = Int((startY * one).rounded())
        var o = y &* rowLength
        for _ in 0..<width {
            let value: SIMD4<Float>
            if fixedX >= 0, fixedY >= 0, fixedX < limitX, fixedY < limitY {
                let wx = Float(fixedX & 0xFFFF) * (1 / 65536), wy = Float(fixedY & 0xFFFF) * (1 / 65536)
                let i = ((fixedY >> 16) &* width &+ (fixedX >> 16)) &* 3, j = i &+ rowLength
                let w11 = wx * wy, w10 = wx - w11, w01 = wy - w11, w00 = 1 - wx - w01
                value = pixel(i) * w00 + pixel(i &+ 3) * w10 + pixel(j) * w01 + pixel(j &+ 3) * w11
            } else {
                value = edgeSample(source, width: width, height: height, x: Float(fixedX) / 65536, y: Float(fixedY) / 65536, fill: fill)
            }
            if o &+ 4 <= count {
                // Four lanes at once; the 4th is overwritten by the next pixel.
                UnsafeMutableRawPointer(output + o).storeBytes(of: value, as: SIMD4<Float>.self)
            } else {
                output[o] = value.x
                output[o &+ 1] = value.y
                output[o &+ 2] = value.z
            }
            o &+= 3
            fixedX &+= stepX
            fixedY &+= stepY
        }
    }
}

/// Bilinear sample near the border, where some of the four taps lie outside and read as `fill`.
private func edgeSample(_ source: UnsafePointer<Float>, width: Int, height: Int, x: Float, y: Float,
                        fill: Float) -> SIMD4<Float> {
    guard x > -1, y > -1, x < Float(width), y < Float(height) else { return SIMD4(repeating: fill) }
    let fx = x.rounded(.down), fy = y.rounded(.down)
    let x0 = Int(fx), y0 = Int(fy), wx = x - fx, wy = y - fy
    func tap(_ px: Int, _ py: Int) -> SIMD4<Float> {
        guard px >= 0, py >= 0, px < width, py < height else { return SIMD4(repeating: fill) }
        let i = (py * width + px) * 3
        return SIMD4(source[i], source[i + 1], source[i + 2], 0)
    }
    let top = (1 - wx) * tap(x0, y0) + wx * tap(x0 + 1, y0)
    let bottom = (1 - wx) * tap(x0, y0 + 1) + wx * tap(x0 + 1, y0 + 1)
    return (1 - wy) * top + wy * bottom
}

/// The pixels as 0...255 floats, unchanged, into the first `image.pixels.count` values of `output`.
func copyPixels(of image: RGBImage, into output: UnsafeMutableBufferPointer<Float>) {
    precondition(output.count >= image.pixels.count, "copy output is smaller than the image")
    image.pixels.withUnsafeBufferPointer { source in
        for i in 0..<source.count { output[i] = Float(source[i]) }
    }
}
