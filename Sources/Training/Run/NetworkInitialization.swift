/// `--init`: starting weights from a TinySSD checkpoint or a `.tflite` of the same architecture.
enum NetworkInitialization {
    static func load(_ path: String, into network: SSDNetwork) throws(TrainingError) {
        if path.lowercased().hasSuffix(".tflite") {
            try TFLiteWeights(contentsOf: path).load(into: network)
        } else {
            try Checkpoint(contentsOf: path).load(into: network, path: path)
        }
    }
}
