#if canImport(Glibc)
import Glibc
import Testing
@testable import Int8Kernels

/// `exponential` must equal the host libm's `expf`, because LiteRT builds its softmax table with it.
/// Verified exhaustively once (every float in (-103.9, 88.7)); this samples every 61st bit pattern.
@Suite struct ExponentialTests {
    @Test func matchesGlibcExpfAcrossTheRange() {
        var mismatches: [(Float, Float, Float)] = []
        var checked = 0
        for pattern in stride(from: UInt32(0), to: UInt32.max - 61, by: 61) {
            let x = Float(bitPattern: pattern)
            guard x > -103.9, x < 88.7 else { continue }
            checked += 1
            let ours = exponential(x)
            let theirs = expf(x)
            if ours != theirs && mismatches.count < 5 { mismatches.append((x, ours, theirs)) }
        }
        #expect(checked > 30_000_000)
        #expect(mismatches.isEmpty, "first mismatches (x, ours, expf): \(mismatches)")
    }

    @Test func handlesTheEdges() {
        #expect(exponential(0) == 1)
        #expect(exponential(-200) == 0)
        #expect(exponential(100) == .infinity)
        #expect(exponential(.nan).isNaN)
    }
}
#endif
