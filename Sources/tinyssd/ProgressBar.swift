import Foundation

/// A progress line on stderr with rate and ETA. On a terminal it redraws in place; otherwise (CI
/// logs, pipes) it prints a line every 10 %, so logs stay short.
final class ProgressBar: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let unit: String
    private let start = Date()
    private let interactive = isatty(STDERR_FILENO) != 0
    private var done = 0
    private var lastDecile = -1
    /// Workers of a parallel loop may advance it.
    private let lock = NSLock()

    init(total: Int, label: String, unit: String) {
        self.total = max(total, 1)
        self.label = label
        self.unit = unit
    }

    /// `detail` (e.g. the running loss) is shown after the ETA.
    func advance(by count: Int = 1, detail: String = "") {
        lock.lock()
        defer { lock.unlock() }
        done += count
        let decile = done * 10 / total
        guard interactive || decile != lastDecile || done == total else { return }
        lastDecile = decile
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let width = 28
        let filled = done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let line = String(format: "%@ [%@] %d/%d %.1f %@/s ETA %@", label, bar, done, total, rate, unit, clock(remaining))
            + (detail.isEmpty ? "" : "  " + detail)
        FileHandle.standardError.write(Data(((interactive ? "\r" : "") + line + (interactive && done < total ? "" : "\n")).utf8))
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
