// Times the float SSD network on random images: inference, and training steps (forward,
// backward, plain SGD update), printing images per second and peak memory.
// Run: swift run -c release training-bench [--size 192] [--batch 16] [--threads 2] [--steps 20]
import Detection
import Foundation
import Training

struct Options {
    var sizes = [192, 224, 256]
    var batch = 16
    var threads = 2
    var steps = 20
    var alpha = 0.25
    var classes = 1
    var modes = ["inference", "train"]
    var profile = false

    init(_ arguments: [String]) {
        var index = 1
        func value() -> String {
            index += 1
            return index < arguments.count ? arguments[index] : ""
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--size": sizes = value().split(separator: ",").compactMap { Int($0) }
            case "--batch": batch = Int(value()) ?? batch
            case "--threads": threads = Int(value()) ?? threads
            case "--steps": steps = Int(value()) ?? steps
            case "--alpha": alpha = Double(value()) ?? alpha
            case "--classes": classes = Int(value()) ?? classes
            case "--mode": modes = value().split(separator: ",").map(String.init)
            case "--profile": profile = true
            default:
                print("""
                usage: training-bench [--size 192,224,256] [--batch 16] [--threads 2] [--steps 20]
                                      [--alpha 0.25] [--classes 1] [--mode inference,train] [--profile]
                """)
                exit(arguments[index] == "--help" ? 0 : 1)
            }
            index += 1
        }
    }
}

/// xorshift64*: repeatable benchmark data.
struct Generator {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
    mutating func floats(_ count: Int, scale: Float) -> [Float] {
        (0..<count).map { _ in (Float(next() >> 40) / Float(1 << 24) * 2 - 1) * scale }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// Peak resident memory of this process (VmHWM), in MiB.
func peakResidentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kilobytes / 1024
    }
    return 0
}

/// User + system CPU seconds of the whole process so far: unlike wall time, it barely moves when
/// other processes share the cores.
func processorSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func format(_ value: Double, _ decimals: Int = 1) -> String { String(format: "%.\(decimals)f", value) }

/// Worker 0's time per layer and step, slowest first, in milliseconds.
func printProfile(_ times: [(layer: String, forward: Double, backward: Double)], steps: Int) {
    let total = times.reduce(0) { $0 + $1.forward + $1.backward }
    print("    layer (worker 0)            forward ms  backward ms")
    for time in times.sorted(by: { $0.forward + $0.backward > $1.forward + $1.backward }).prefix(25) {
        print("    \(time.layer.padding(toLength: 26, withPad: " ", startingAt: 0))"
              + " \(format(1000 * time.forward / Double(steps), 2).leftPadded(10))"
              + " \(format(1000 * time.backward / Double(steps), 2).leftPadded(12))")
    }
    print("    all layers: \(format(1000 * total / Double(steps), 2)) ms per step")
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

let options = Options(CommandLine.arguments)
let clock = ContinuousClock()
var generator = Generator()
for size in options.sizes {
    let architecture = try SSDArchitecture(alpha: options.alpha, inputSize: size, classCount: options.classes)
    let network = SSDNetwork(architecture: architecture, maxBatch: options.batch, threads: options.threads, seed: 7)
    let images = generator.floats(options.batch * size * size * 3, scale: 1)
    let classGradients = generator.floats(options.batch * architecture.anchorCount * network.classesPerAnchor, scale: 1e-3)
    let boxGradients = generator.floats(options.batch * architecture.anchorCount * 4, scale: 1e-3)
    print("size \(size) alpha \(options.alpha) batch \(options.batch) threads \(network.threads): "
          + "\(network.parameterTable.parameterCount) parameters, \(format(Double(network.allocatedBytes) / 1_048_576)) MiB planned")
    for mode in options.modes {
        network.recordLayerTimes(false)
        var samples: [Double] = []
        var processorStart = 0.0
        for step in 0..<(options.steps + 2) {
            if step == 2 { processorStart = processorSeconds() }
            let elapsed = try clock.measure {
                try images.withUnsafeBufferPointer { pixels in
                    if mode == "inference" {
                        try network.forward(images: pixels, batch: options.batch, training: false)
                        return
                    }
                    network.zeroGradients()
                    try network.forward(images: pixels, batch: options.batch, training: true)
                    try classGradients.withUnsafeBufferPointer { classes in
                        try boxGradients.withUnsafeBufferPointer { boxes in
                            try network.backward(classLogitGradients: classes, boxOffsetGradients: boxes)
                        }
                    }
                    let values = network.parameters, gradients = network.gradients
                    for index in values.indices { values[index] -= 1e-3 * gradients[index] }
                }
            }
            if step >= 2 { samples.append(seconds(elapsed)) }
            if step == 1 && options.profile { network.recordLayerTimes(true) }
        }
        let processor = (processorSeconds() - processorStart) / Double(options.steps * options.batch)
        samples.sort()
        let median = samples[samples.count / 2], best = samples[0]
        print("  \(mode.padding(toLength: 9, withPad: " ", startingAt: 0)) median \(format(Double(options.batch) / median)) img/s"
              + " (best \(format(Double(options.batch) / best))), \(format(1000 * median / Double(options.batch), 2)) ms/image, CPU \(format(1000 * processor, 2)) ms/image")
        if options.profile { printProfile(network.layerTimes, steps: options.steps) }
    }
}
print("peak RSS \(format(peakResidentMiB())) MiB")
