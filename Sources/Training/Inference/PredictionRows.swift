import Detection

/// Turns the float network's logits and offsets for one image into the rows an int8 model
/// outputs (softmax scores, box offsets, anchor corners), so `SSDOutput` decodes both alike.
struct PredictionRows {
    let anchors: [BoundingBox]
    let modelClassCount: Int
    private(set) var rows: [Float]
    private var scores: [Float]

    init(architecture: SSDArchitecture) {
        anchors = architecture.anchorBoxes
        modelClassCount = architecture.classCount + 1
        rows = [Float](repeating: 0, count: anchors.count * (modelClassCount + 8))
        scores = [Float](repeating: 0, count: anchors.count * modelClassCount)
    }

    /// Fills `rows` from image `image` of the network's last forward pass.
    mutating func fill(from network: SSDNetwork, image: Int) {
        let anchorCount = anchors.count, classes = modelClassCount, columns = classes + 8
        let logits = UnsafeBufferPointer(rebasing: network.classLogits[(image * anchorCount * classes)..<((image + 1) * anchorCount * classes)])
        let offsets = UnsafeBufferPointer(rebasing: network.boxOffsets[(image * anchorCount * 4)..<((image + 1) * anchorCount * 4)])
        scores.withUnsafeMutableBufferPointer { ClassSoftmax.scores(classLogits: logits, modelClassCount: classes, into: $0) }
        for anchor in 0..<anchorCount {
            let row = anchor * columns
            for c in 0..<classes { rows[row + c] = scores[anchor * classes + c] }
            for k in 0..<4 { rows[row + classes + k] = offsets[anchor * 4 + k] }
            let box = anchors[anchor]
            rows[row + classes + 4] = box.x0
            rows[row + classes + 5] = box.y0
            rows[row + classes + 6] = box.x1
            rows[row + classes + 7] = box.y1
        }
    }

    /// Detections of the filled image in an image of the given size.
    func detections(imageWidth: Int, imageHeight: Int, postProcessing: PostProcessing) -> [Detection] {
        rows.withUnsafeBufferPointer { rows in
            // `rows` always holds anchorCount whole rows of at least 10 columns.
            SSDOutput(rows: rows, anchorCount: anchors.count)!.detections(imageWidth: imageWidth, imageHeight: imageHeight,
                                                                         postProcessing: postProcessing)
        }
    }
}
