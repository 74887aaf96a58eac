import Foundation

/// Round-number tick positions along an axis: steps of 1, 2 or 5 times a power of ten.
struct PlotTicks {
    var values: [Double] = []
    var labels: [String] = []

    init(range: ClosedRange<Double>, maximumCount: Int) {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite, maximumCount > 1 else { return }
        let rough = span / Double(maximumCount - 1)
        let power = pow(10, (log10(rough)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough * (1 - 1e-9) } ?? 10 * power
        let decimals = max(0, Int(-(log10(step) + 1e-9).rounded(.down)))
        // Very large or very fine ticks would make labels wider than the plot.
        let format = decimals > 6 || max(abs(range.lowerBound), abs(range.upperBound)) >= 1e7 ? "%.4g" : "%.\(decimals)f"
        var index = (range.lowerBound / step - 1e-9).rounded(.up)
        while index * step <= range.upperBound + step * 1e-9 && values.count < maximumCount {
            // Snapping near-zero values avoids a "-0.0" label.
            let value = abs(index * step) < step * 1e-9 ? 0 : index * step
            values.append(value)
            labels.append(String(format: format, value))
            index += 1
        }
    }
}
