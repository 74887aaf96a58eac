// Times target assignment and the SSD loss (value and gradients) per image, batch 16, for each
// input size and object count. Run: swift run -c release targets-bench [--quick]
import Detection
import Training

/// xorshift64*: repeatable benchmark data.
struct Generator {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
    mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
}

let quick = CommandLine.arguments.contains("--quick")
let clock = ContinuousClock()
let batchSize = 16

/// Fastest seconds per call over at least 3 calls and about `budget` seconds.
func secondsPerCall(budget: Double, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    var spent = 0.0
    var calls = 0
    while calls < 3 || spent < budget {
        let elapsed = clock.measure(body)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        best = min(best, seconds)
        spent += seconds
        calls += 1
    }
    return best
}

/// Random objects of 3-80 % of the image side, as in a person dataset.
func randomObjects(_ count: Int, _ generator: inout Generator) -> [(classIndex: Int, box: BoundingBox)] {
    (0..<count).map { _ in
        let width = 0.03 + generator.unit() * 0.77, height = 0.03 + generator.unit() * 0.77
        let x = generator.unit() * (1 - width), y = generator.unit() * (1 - height)
        return (0, BoundingBox(x0: x, y0: y, x1: x + width, y1: y + height))
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

let budget = quick ? 0.2 : 1.0
print("per image, batch \(batchSize), one thread; best of repeated runs (microseconds)")
print("input  anchors  objects   matching   loss+gradients   loss only")
for inputSize in SSDArchitecture.supportedInputSizes {
    let architecture = try SSDArchitecture(inputSize: inputSize, classCount: 1)
    var matcher = AnchorMatcher(architecture: architecture)
    let anchorCount = architecture.anchorCount
    var generator = Generator()
    let logits = (0..<batchSize * anchorCount * 2).map { _ in generator.unit() * 8 - 4 }
    let offsets = (0..<batchSize * anchorCount * 4).map { _ in generator.unit() - 0.5 }
    var logitGradients = [Float](repeating: 0, count: logits.count)
    var offsetGradients = [Float](repeating: 0, count: offsets.count)
    // The last case repeats one box 20 times: every match forces the others to search again.
    for (objectCount, identical) in [(0, false), (1, false), (5, false), (20, false), (20, true)] {
        let images = (0..<batchSize).map { _ in
            identical ? Array(repeating: randomObjects(1, &generator)[0], count: objectCount) : randomObjects(objectCount, &generator)
        }
        var targets = [AnchorTargets](repeating: AnchorTargets(anchorCount: anchorCount), count: batchSize)
        let matching = secondsPerCall(budget: budget) {
            for image in 0..<batchSize { try! matcher.assign(images[image], into: &targets[image]) }
        }
        let loss = SSDLoss()
        var total = 0.0
        let withGradients = secondsPerCall(budget: budget) {
            total += logits.withUnsafeBufferPointer { l in
                offsets.withUnsafeBufferPointer { o in
                    logitGradients.withUnsafeMutableBufferPointer { lg in
                        offsetGradients.withUnsafeMutableBufferPointer { og in
                            loss.evaluate(classLogits: l, boxOffsets: o, targets: targets,
                                          classLogitGradients: lg, boxOffsetGradients: og).total
                        }
                    }
                }
            }
        }
        let valueOnly = secondsPerCall(budget: budget) {
            total += logits.withUnsafeBufferPointer { l in
                offsets.withUnsafeBufferPointer { o in loss.evaluate(classLogits: l, boxOffsets: o, targets: targets).total }
            }
        }
        precondition(total.isFinite, "the loss must stay finite")
        func micros(_ seconds: Double) -> String {
            let value = (seconds / Double(batchSize) * 1e7).rounded() / 10
            return "\(value)"
        }
        print(pad("\(inputSize)", 5), pad("\(anchorCount)", 8), pad("\(objectCount)\(identical ? " same" : "")", 8),
              pad(micros(matching), 10), pad(micros(withGradients), 16), pad(micros(valueOnly), 11))
    }
}
