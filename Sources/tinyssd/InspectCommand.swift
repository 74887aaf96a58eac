import ArgumentParser
import Foundation
import Runtime

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's inputs, outputs, operators, MACs and weight bytes.",
        discussion: """
            MACs count the multiply-accumulates of CONV_2D and DEPTHWISE_CONV_2D per inference. \
            Operators marked 'folded' have only constant inputs (the anchor and shape sub-graphs) \
            and are evaluated once when the model loads.
            """)

    @Argument(help: "The .tflite model.")
    var model: String

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let report = ModelReport(try loadInterpreter(model))
        if json {
            print(try jsonText(report))
        } else {
            print(render(report))
        }
    }

    func render(_ r: ModelReport) -> String {
        var lines: [String] = ["Model \(model)"]
        func tensorLine(_ t: ModelReport.TensorEntry) -> String {
            var line = "  #\(t.index) \(t.name)  \(t.type) \(shapeText(t.shape))"
            if let scale = t.scales.first, let zeroPoint = t.zeroPoints.first {
                line += "  scale \(scale) zero point \(zeroPoint)"
            }
            return line
        }
        lines.append("Inputs")
        lines += r.inputs.map(tensorLine)
        lines.append("Outputs")
        lines += r.outputs.map(tensorLine)
        lines.append("Operator histogram")
        for (op, count) in r.operatorHistogram.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            lines.append("  \(op.padding(toLength: 20, withPad: " ", startingAt: 0)) \(count)")
        }
        lines.append("Operators")
        lines.append("  " + ["#".leftPadded(4), "op".padded(20), "output shape".padded(18), "MACs".leftPadded(12),
                             "weights".leftPadded(10)].joined(separator: " "))
        for op in r.operators {
            let name = op.op + (op.folded ? " (folded)" : "")
            lines.append("  " + [String(op.index).leftPadded(4), name.padded(20), shapeText(op.outputShape).padded(18),
                                 (op.macs > 0 ? grouped(op.macs) : "").leftPadded(12),
                                 (op.weightBytes > 0 ? grouped(op.weightBytes) : "").leftPadded(10)].joined(separator: " "))
        }
        let t = r.totals
        lines.append("Totals")
        lines.append("  MACs            \(grouped(t.macs)) (\(String(format: "%.2f", Double(t.macs) / 1e6)) M: conv \(grouped(t.convolutionMACs)), depthwise \(grouped(t.depthwiseMACs)))")
        lines.append("  weight bytes    \(grouped(t.weightBytes)) (\(String(format: "%.2f", Double(t.weightBytes) / 1024)) KiB, convolution filters and biases)")
        lines.append("  constant bytes  \(grouped(t.constantBytes)) (\(String(format: "%.2f", Double(t.constantBytes) / 1024)) KiB, every constant buffer)")
        lines.append("  tensors         \(t.tensorCount)")
        lines.append("  operators       \(t.operatorCount) (\(t.foldedOperatorCount) folded at load time)")
        lines.append("  arena bytes     \(grouped(t.arenaBytes)) (\(String(format: "%.2f", Double(t.arenaBytes) / 1024)) KiB: input, output, activations and scratch)")
        lines.append("  live peak       \(grouped(t.liveTensorPeakBytes)) (\(String(format: "%.2f", Double(t.liveTensorPeakBytes) / 1024)) KiB if each tensor had its own buffer for its lifetime)")
        return lines.joined(separator: "\n")
    }
}

func grouped(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { result.append(",") }
        result.append(c)
    }
    return String(result.reversed())
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
