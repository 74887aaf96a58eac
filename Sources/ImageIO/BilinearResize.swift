/// Bilinear resize bit-exact with `cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)`
/// on 8-bit 3-channel images (OpenCV's C++ path; its IPP path is off for 8-bit bilinear).
extension RGBImage {
    public func resized(width: Int, height: Int) throws(ImageIOError) -> RGBImage {
        guard width > 0, height > 0, width <= Self.maximumPixels / height else {
            throw .invalidImage(reason: "cannot resize to \(width) x \(height): empty or more than \(Self.maximumPixels) pixels")
        }
        if width == self.width && height == self.height { return self }
        // OpenCV derives the scales this way; 1 / (dst / src) can differ from src / dst in the last bit.
        let scaleX = 1 / (Double(width) / Double(self.width))
        let scaleY = 1 / (Double(height) / Double(self.height))
        if Self.isExactlyTwo(scaleX) && Self.isExactlyTwo(scaleY) { return halved() }
        let columns = BilinearTaps(count: width, sourceCount: self.width, scale: scaleX, clampAtEdges: true)
        let rows = BilinearTaps(count: height, sourceCount: self.height, scale: scaleY, clampAtEdges: false)
        return interpolated(width: width, height: height, columns: columns, rows: rows)
    }

    /// OpenCV's test for switching INTER_LINEAR to its 2x2 box average ("is_area_fast").
    private static func isExactlyTwo(_ scale: Double) -> Bool {
        let rounded = scale.rounded(.toNearestOrEven)
        return rounded == 2 && abs(scale - rounded) < Double.ulpOfOne
    }

    /// Exact 2x reduction: each output pixel is the rounded mean of a 2x2 block.
    private func halved() -> RGBImage {
        let w = width / 2, h = height / 2
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let top = 2 * y * width * 3, bottom = top + width * 3
            for i in 0..<w * 3 {
                let channel = i % 3, left = (i - channel) * 2 + channel
                let sum = Int(pixels[top + left]) + Int(pixels[top + left + 3])
                    + Int(pixels[bottom + left]) + Int(pixels[bottom + left + 3])
                out[y * w * 3 + i] = UInt8((sum + 2) >> 2)
            }
        }
        return RGBImage(checkedWidth: w, height: h, pixels: out)
    }

    /// OpenCV's fixed-point bilinear pass: horizontal weights in 1/2048, then its vertical
    /// rounding `((b0 * (r0 >> 4)) >> 16 + (b1 * (r1 >> 4)) >> 16 + 2) >> 2`.
    private func interpolated(width: Int, height: Int, columns: BilinearTaps, rows: BilinearTaps) -> RGBImage {
        let rowLength = width * 3
        var out = [UInt8](repeating: 0, count: rowLength * height)
        var upper = [Int32](repeating: 0, count: rowLength), lower = upper
        var upperIndex = -1, lowerIndex = -1
        for y in 0..<height {
            let first = min(max(rows.first[y], 0), self.height - 1)
            let second = min(max(rows.first[y] + 1, 0), self.height - 1)
            if upperIndex != first {
                if lowerIndex == first {
                    swap(&upper, &lower)
                    swap(&upperIndex, &lowerIndex)
                } else {
                    horizontalPass(row: first, columns: columns, into: &upper)
                    upperIndex = first
                }
            }
            if lowerIndex != second {
                horizontalPass(row: second, columns: columns, into: &lower)
                lowerIndex = second
            }
            let b0 = rows.weights[2 * y], b1 = rows.weights[2 * y + 1]
            for i in 0..<rowLength {
                let value = ((b0 * (upper[i] >> 4)) >> 16) + ((b1 * (lower[i] >> 4)) >> 16) + 2
                out[y * rowLength + i] = UInt8(clamping: value >> 2)
            }
        }
        return RGBImage(checkedWidth: width, height: height, pixels: out)
    }

    private func horizontalPass(row: Int, columns: BilinearTaps, into result: inout [Int32]) {
        let start = row * width * 3, last = width - 1
        for x in 0..<columns.first.count {
            let left = start + columns.first[x] * 3, right = start + min(columns.first[x] + 1, last) * 3
            let a0 = columns.weights[2 * x], a1 = columns.weights[2 * x + 1]
            for channel in 0..<3 {
                result[3 * x + channel] = Int32(pixels[left + channel]) * a0 + Int32(pixels[right + channel]) * a1
            }
        }
    }
}

/// For each output column (or row): the first source index and the two weights in 1/2048,
/// computed in the same float and double steps as OpenCV's resize.
struct BilinearTaps {
    var first: [Int]
    var weights: [Int32]

    /// Columns are clamped to the image with weight (2048, 0); rows keep their weights and only
    /// their indices are clamped later, as OpenCV does.
    init(count: Int, sourceCount: Int, scale: Double, clampAtEdges: Bool) {
        first = []
        weights = []
        first.reserveCapacity(count)
        weights.reserveCapacity(2 * count)
        for index in 0..<count {
            var fraction = Float((Double(index) + 0.5) * scale - 0.5)
            var source = Int(fraction.rounded(.down))
            fraction -= Float(source)
            if clampAtEdges && source < 0 {
                source = 0
                fraction = 0
            }
            if clampAtEdges && source >= sourceCount - 1 {
                source = sourceCount - 1
                fraction = 0
            }
            first.append(source)
            weights.append(Int32(((1 - fraction) * 2048).rounded(.toNearestOrEven)))
            weights.append(Int32((fraction * 2048).rounded(.toNearestOrEven)))
        }
    }
}
