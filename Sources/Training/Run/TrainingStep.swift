import Detection
import Evaluation

/// One batch of training or validation: target assignment, the network, the loss, and (when
/// training) back-propagation, weight decay and the optimizer update. Buffers are made once.
struct TrainingStep {
    let network: SSDNetwork
    let configuration: TrainingConfiguration
    private var matcher: AnchorMatcher
    private var targets: [AnchorTargets]
    private var classGradients: [Float]
    private var boxGradients: [Float]
    private var rows: PredictionRows
    private let loss = SSDLoss()
    /// Trainable tensors that `freezeBackbone` keeps fixed.
    private let frozen: [ParameterTable.Entry]

    init(network: SSDNetwork, configuration: TrainingConfiguration) {
        self.network = network
        self.configuration = configuration
        let architecture = configuration.architecture
        matcher = AnchorMatcher(architecture: architecture)
        targets = Array(repeating: AnchorTargets(anchorCount: architecture.anchorCount), count: configuration.batchSize)
        classGradients = [Float](repeating: 0, count: configuration.batchSize * architecture.anchorCount * (architecture.classCount + 1))
        boxGradients = [Float](repeating: 0, count: configuration.batchSize * architecture.anchorCount * 4)
        rows = PredictionRows(architecture: architecture)
        frozen = configuration.freezeBackbone ? network.parameterTable.entries.filter { $0.role.isTrainable && $0.isBackbone } : []
    }

    /// Trains on `batch` and returns its loss (the SSD loss plus the weight-decay penalty, as Keras reports it).
    mutating func train(_ batch: TrainingBatch, optimizer: inout Optimizer, learningRate: Float) throws(TrainingError) -> Double {
        let images = batch.imageCount
        try assignTargets(batch)
        try forward(batch, training: true)
        let classCount = images * network.architecture.anchorCount * network.classesPerAnchor
        let boxCount = images * network.architecture.anchorCount * 4
        let batchTargets = Array(targets.prefix(images))
        let value = classGradients.withUnsafeMutableBufferPointer { classes in
            boxGradients.withUnsafeMutableBufferPointer { boxes in
                loss.evaluate(classLogits: network.classLogits, boxOffsets: network.boxOffsets, targets: batchTargets,
                              classLogitGradients: UnsafeMutableBufferPointer(rebasing: classes[0..<classCount]),
                              boxOffsetGradients: UnsafeMutableBufferPointer(rebasing: boxes[0..<boxCount]))
            }
        }
        network.zeroGradients()
        do {
            try classGradients.withUnsafeBufferPointer { classes throws(SSDNetwork.Error) in
                try boxGradients.withUnsafeBufferPointer { boxes throws(SSDNetwork.Error) in
                    try network.backward(classLogitGradients: UnsafeBufferPointer(rebasing: classes[0..<classCount]),
                                         boxOffsetGradients: UnsafeBufferPointer(rebasing: boxes[0..<boxCount]))
                }
            }
        } catch {
            throw .invalidSetting("back-propagation failed: \(error)")
        }
        let penalty = configuration.weightDecay.apply(table: network.parameterTable, values: UnsafeBufferPointer(network.parameters),
                                                      gradients: network.gradients)
        for entry in frozen {
            UnsafeMutableBufferPointer(rebasing: network.gradients[entry.offset..<(entry.offset + entry.count)]).update(repeating: 0)
        }
        optimizer.apply(gradients: UnsafeBufferPointer(network.gradients), to: network.parameters, learningRate: learningRate)
        return value.total + penalty
    }

    /// The loss (with the weight-decay penalty) and the detections of a validation batch, at the network's input size.
    mutating func validate(_ batch: TrainingBatch) throws(TrainingError) -> (loss: Double, results: [ImageResult]) {
        try assignTargets(batch)
        try forward(batch, training: false)
        let value = loss.evaluate(classLogits: network.classLogits, boxOffsets: network.boxOffsets,
                                  targets: Array(targets.prefix(batch.imageCount)))
        let penalty = configuration.weightDecay.penalty(table: network.parameterTable, values: UnsafeBufferPointer(network.parameters))
        let side = network.architecture.inputSize
        let postProcessing = PostProcessing(confidenceThreshold: configuration.confidenceThreshold,
                                            nmsThreshold: configuration.nmsThreshold,
                                            maxDetectionsPerClass: configuration.validationDetectionsPerClass)
        var results: [ImageResult] = []
        for image in 0..<batch.imageCount {
            rows.fill(from: network, image: image)
            let truths = batch.objects[image].map { object in
                LabeledObject(classIndex: object.classIndex, centerX: Double(object.box.x0 + object.box.x1) / 2,
                              centerY: Double(object.box.y0 + object.box.y1) / 2,
                              width: Double(object.box.width), height: Double(object.box.height))
            }
            results.append(ImageResult(imageWidth: side, imageHeight: side, groundTruths: truths,
                                       detections: rows.detections(imageWidth: side, imageHeight: side, postProcessing: postProcessing)))
        }
        return (value.total + penalty, results)
    }

    private mutating func assignTargets(_ batch: TrainingBatch) throws(TrainingError) {
        for image in 0..<batch.imageCount {
            do { try matcher.assign(batch.objects[image], into: &targets[image]) } catch {
                throw .invalidSetting("cannot assign anchors: \(error)")
            }
        }
    }

    private func forward(_ batch: TrainingBatch, training: Bool) throws(TrainingError) {
        do {
            try batch.pixels.withUnsafeBufferPointer { pixels throws(SSDNetwork.Error) in
                try network.forward(images: pixels, batch: batch.imageCount, training: training)
            }
        } catch {
            throw .invalidSetting("the network cannot take this batch: \(error)")
        }
    }
}

extension ParameterTable.Entry {
    /// Part of the MobileNet backbone (Keras names `conv1`, `conv_dw_N`, `conv_pw_N` and their batch norms).
    public var isBackbone: Bool {
        name.hasPrefix("conv1/") || name.hasPrefix("conv1_bn/") || name.hasPrefix("conv_dw_") || name.hasPrefix("conv_pw_")
    }
}
