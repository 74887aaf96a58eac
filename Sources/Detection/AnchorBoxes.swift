extension SSDArchitecture {
    /// Every anchor box in normalised [0, 1] corner coordinates, in the order of the model's output
    /// rows: largest feature map first, then row, column and anchor within the cell (PIPELINE.md §4).
    ///
    /// Within a cell: the map's first size at each of `anchorRatios`, then its other sizes at the
    /// first ratio. Centres sit at `(column + 0.5, row + 0.5) * inputSize / mapSize`, so the padded
    /// 224 maps (32, 16, 8) use steps of 7, 14 and 28 pixels. Boxes are not clipped to the image;
    /// the reference models' own anchor tensors agree with these within their int8 rounding.
    public var anchorBoxes: [BoundingBox] {
        let side = Double(inputSize)
        let ratios = Self.anchorRatios
        var boxes: [BoundingBox] = []
        boxes.reserveCapacity(anchorCount)
        for (mapSize, sizes) in zip(featureMapSizes, anchorSizes) {
            // Pixel width and height of each anchor of a cell, in cell order.
            var shapes = ratios.map { (side * sizes[0] * $0.squareRoot(), side * sizes[0] / $0.squareRoot()) }
            shapes += sizes.dropFirst().map { (side * $0 * ratios[0].squareRoot(), side * $0 / ratios[0].squareRoot()) }
            let step = side / Double(mapSize)
            for row in 0..<mapSize {
                let centreY = (Double(row) + 0.5) * step
                for column in 0..<mapSize {
                    let centreX = (Double(column) + 0.5) * step
                    for (width, height) in shapes {
                        boxes.append(BoundingBox(x0: Float((centreX - width / 2) / side),
                                                 y0: Float((centreY - height / 2) / side),
                                                 x1: Float((centreX + width / 2) / side),
                                                 y1: Float((centreY + height / 2) / side)))
                    }
                }
            }
        }
        return boxes
    }
}
