import Foundation
import Runtime
import TFLiteFormat

/// Where two float graphs differ in structure: operator codes and options in order, and the
/// shapes, shape signatures and types of every operator's inputs and outputs. Empty when they
/// have the same graph.
func structuralDifferences(_ a: TFLiteModel, _ b: TFLiteModel, limit: Int = 10) -> [String] {
    guard let ga = a.subgraphs.first, let gb = b.subgraphs.first else { return ["a model has no subgraph"] }
    var differences: [String] = []
    if ga.operators.count != gb.operators.count {
        differences.append("\(ga.operators.count) operators against \(gb.operators.count)")
    }
    func code(_ m: TFLiteModel, _ op: Operator) -> String {
        let entry = m.operatorCodes[Int(op.opcodeIndex)]
        return "\(entry.builtinCode) v\(entry.version)"
    }
    func signature(_ g: Subgraph, _ indices: [Int32]) -> [String] {
        indices.map { index -> String in
            guard index >= 0 else { return "none" }
            let t = g.tensors[Int(index)]
            return "\(t.type)\(t.shape)\(t.shapeSignature.map { " signature \($0)" } ?? "")\(t.buffer == 0 ? "" : " const")"
        }
    }
    for (index, (x, y)) in zip(ga.operators, gb.operators).enumerated() where differences.count < limit {
        if code(a, x) != code(b, y) { differences.append("operator \(index): \(code(a, x)) against \(code(b, y))") }
        else if x.options != y.options { differences.append("operator \(index) \(code(a, x)): options \(x.options) against \(y.options)") }
        else if signature(ga, x.inputs) != signature(gb, y.inputs) {
            differences.append("operator \(index) \(code(a, x)): inputs \(signature(ga, x.inputs)) against \(signature(gb, y.inputs))")
        } else if signature(ga, x.outputs) != signature(gb, y.outputs) {
            differences.append("operator \(index) \(code(a, x)): outputs \(signature(ga, x.outputs)) against \(signature(gb, y.outputs))")
        }
    }
    if signature(ga, ga.inputs) != signature(gb, gb.inputs) || signature(ga, ga.outputs) != signature(gb, gb.outputs) {
        differences.append("graph inputs/outputs \(signature(ga, ga.inputs + ga.outputs)) against \(signature(gb, gb.inputs + gb.outputs))")
    }
    return differences
}

/// The output of one run of a float32 model on a float32 input.
func floatOutput(_ interpreter: Interpreter, input: [Float]) throws -> [Float] {
    try interpreter.setInput(input.withUnsafeBytes { Array($0) })
    interpreter.invoke()
    return Array(interpreter.output().bindMemory(to: Float.self))
}

/// The largest `|a − b| / max(1, |b|)`, and where it is.
func largestRelativeDifference(_ a: [Float], _ b: [Float], columns: Range<Int>? = nil, width: Int = 10) -> (value: Double, index: Int) {
    var worst = (value: 0.0, index: -1)
    for i in 0..<min(a.count, b.count) {
        if let columns, !columns.contains(i % width) { continue }
        let d = Double(abs(a[i] - b[i])) / max(1, Double(abs(b[i])))
        if d > worst.value || d.isNaN { worst = (d, i) }
    }
    if a.count != b.count { worst = (.infinity, min(a.count, b.count)) }
    return worst
}
