import ArgumentParser

@main
struct TinySSD: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tinyssd",
        abstract: "Run, inspect and check int8 SSD-MobileNet .tflite models, bit-exact with TFLite.",
        discussion: """
            TinySSD reads a .tflite file itself (no TensorFlow, no LiteRT) and computes exactly what \
            LiteRT's builtin int8 kernels compute on x86.
            """,
        version: "0.1.0",
        subcommands: [Inspect.self, Run.self, Detect.self, Evaluate.self, Benchmark.self, Dataset.self, Train.self, Export.self,
                      Quantize.self]
    )
}
