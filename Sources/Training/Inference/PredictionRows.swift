import Detection

/// Turns the float network's logits and offsets for one image into the rows an int8 model
/// outputs (softmax scores, box offsets, anchor corners), so `SSDOutput` decodes both alike.
struct PredictionRows {
    let anchorCount: Int
    let modelClassCount: Int
    private(set) var rows: [Float]
    private var scores: [Float]

    /// Rows holding the anchor corners, which never change; `fill` writes the rest.
    init(architecture: SSDArchitecture) {
        let anchors = architecture.anchorBoxes
        anchorCount = anchors.count
        modelClassCount = architecture.classCount + 1
        let columns = modelClassCount + 8
        rows = [Float](repeating: 0, count: anchorCount * columns)
        scores = [Float](repeating: 0, count: anchorCount * modelClassCount)
        for (anchor, box) in anchors.enumerated() {
            let corners = anchor * columns + modelClassCount + 4
            (rows[corners], rows[corners + 1], rows[corners + 2], rows[corners + 3]) = (box.x0, box.y0, box.x1, box.y1)
        }
    }

    /// Fills `rows` from image `image` of the network's last forward pass.
    mutating func fill(from network: SSDNetwork, image: Int) {
        let classes = modelClassCount, columns = classes + 8
        let logits = UnsafeBufferPointer(rebasing: network.classLogits[(image * anchorCount * classes)..<((image + 1) * anchorCount * classes)])
        let offsets = UnsafeBufferPointer(rebasing: network.boxOffsets[(image * anchorCount * 4)..<((image + 1) * anchorCount * 4)])
        scores.withUnsafeMutableBufferPointer { ClassSoftmax.scores(classLogits: logits, modelClassCount: classes, into: $0) }
        for anchor in 0..<anchorCount {
            let row = anchor * columns
            for c in 0..<classes { rows[row + c] = scores[anchor * classes + c] }
            for k in 0..<4 { rows[row + classes + k] = offsets[anchor * 4 + k] }
        }
    }

    /// Detections of the filled image in an image of the given size.
    func detections(imageWidth: Int, imageHeight: Int, postProcessing: PostProcessing) -> [Detection] {
        rows.withUnsafeBufferPointer { rows in
            // `rows` always holds anchorCount whole rows of at least 10 columns.
            SSDOutput(rows: rows, anchorCount: anchorCount)!.detections(imageWidth: imageWidth, imageHeight: imageHeight,
                                                                         postProcessing: postProcessing)
        }
    }
}
