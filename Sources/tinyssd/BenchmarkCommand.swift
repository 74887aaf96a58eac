import ArgumentParser
import Foundation
import Runtime

struct Benchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time one inference of a model (pre- and post-processing excluded).",
        discussion: """
            Runs a few warm-up inferences on a fixed pseudo-random input, then times --runs more and \
            reports the median and 90th percentile latency, MACs and GMAC/s, and memory: weights and \
            the activation arena (input and output included). Compare against LiteRT on the same \
            machine with scripts/benchmark-vs-litert.sh.
            """)

    @Argument(help: "The .tflite model.")
    var model: String

    @Option(help: "Threads sharing each large operator (results do not depend on it).")
    var threads = 1

    @Option(help: "Timed inferences.")
    var runs = 100

    @Option(help: "Untimed inferences before timing.")
    var warmup = 10

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(help: "Also time each operator (median over --runs) and list the most expensive.")
    var profile = false

    struct Result: Encodable {
        var model: String
        var threads: Int
        var runs: Int
        var medianMs: Double
        var p90Ms: Double
        var minMs: Double
        var macs: Int
        var gmacPerSecond: Double
        var weightsBytes: Int
        var activationBytes: Int
        var liveTensorPeakBytes: Int
    }

    func validate() throws {
        guard runs > 0, warmup >= 0 else { throw ValidationError("--runs must be positive and --warmup not negative") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be between 1 and 64") }
    }

    func run() throws {
        let interpreter = try loadInterpreter(model, options: Interpreter.Options(threads: threads))
        let report = ModelReport(interpreter)
        var seed: UInt64 = 0x5EED
        for i in interpreter.inputs.indices {
            let input = interpreter.input(i)
            for j in input.indices {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                input[j] = UInt8(truncatingIfNeeded: seed >> 56)
            }
        }
        for _ in 0..<warmup { interpreter.invoke() }
        var milliseconds: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            interpreter.invoke()
            milliseconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        milliseconds.sort()
        let median = milliseconds[milliseconds.count / 2]
        let result = Result(
            model: (model as NSString).lastPathComponent, threads: threads, runs: runs, medianMs: median,
            p90Ms: milliseconds[min(milliseconds.count - 1, milliseconds.count * 9 / 10)], minMs: milliseconds[0],
            macs: report.totals.macs, gmacPerSecond: Double(report.totals.macs) / (median * 1e6),
            weightsBytes: report.totals.weightBytes, activationBytes: report.totals.arenaBytes,
            liveTensorPeakBytes: report.totals.liveTensorPeakBytes)
        if profile {
            let timings = interpreter.profile(runs: runs)
            let total = timings.reduce(0) { $0 + $1.microseconds }
            var byOperator: [String: Double] = [:]
            for t in timings { byOperator[t.code.description, default: 0] += t.microseconds }
            FileHandle.standardError.write(Data("per operator type (median us per run, sum \(String(format: "%.0f", total)) us):\n".utf8))
            for (op, us) in byOperator.sorted(by: { $0.value > $1.value }) {
                FileHandle.standardError.write(Data(String(format: "  %-20@ %9.1f us  %5.1f %%\n", op, us, us / total * 100).utf8))
            }
            FileHandle.standardError.write(Data("most expensive operators:\n".utf8))
            for t in timings.sorted(by: { $0.microseconds > $1.microseconds }).prefix(12) {
                FileHandle.standardError.write(Data(String(format: "  #%-4d %-20@ %9.1f us\n", t.operatorIndex, t.code.description, t.microseconds).utf8))
            }
        }
        if json {
            print(try jsonText(result))
        } else {
            print("""
                \(result.model): median \(String(format: "%.3f", result.medianMs)) ms, p90 \(String(format: "%.3f", result.p90Ms)) ms, \
                min \(String(format: "%.3f", result.minMs)) ms over \(runs) runs, \(result.threads) thread(s)
                  \(String(format: "%.2f", Double(result.macs) / 1e6)) M MACs, \(String(format: "%.2f", result.gmacPerSecond)) GMAC/s
                  weights \(grouped(result.weightsBytes)) bytes, activation arena \(grouped(result.activationBytes)) bytes \
                (\(String(format: "%.1f", Double(result.activationBytes) / 1024)) KiB; \
                \(String(format: "%.1f", Double(result.liveTensorPeakBytes) / 1024)) KiB with a buffer per tensor)
                """)
        }
    }
}
