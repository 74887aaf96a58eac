import Foundation

/// Keras kernel initializers, drawn from a seeded generator so a seed always gives the same network.
enum KernelInitializer {
    /// Keras' default: uniform in ±sqrt(6 / (fanIn + fanOut)).
    case glorotUniform
    /// Keras "he_normal": normal with deviation sqrt(2 / fanIn) / 0.8796..., truncated at two
    /// deviations (the model zoo's SSD layers use it).
    case heNormal

    /// Fans as Keras computes them for a `[kh, kw, in, out]` kernel (a depthwise kernel
    /// `[kh, kw, channels, 1]` thus has fanIn kh*kw*channels and fanOut kh*kw).
    static func fans(_ shape: [Int]) -> (fanIn: Double, fanOut: Double) {
        let receptiveField = Double(shape.dropLast(2).reduce(1, *))
        return (Double(shape[shape.count - 2]) * receptiveField, Double(shape[shape.count - 1]) * receptiveField)
    }

    func fill(_ values: UnsafeMutableBufferPointer<Float>, shape: [Int], using generator: inout SeededGenerator) {
        let (fanIn, fanOut) = Self.fans(shape)
        switch self {
        case .glorotUniform:
            let limit = (6 / (fanIn + fanOut)).squareRoot()
            for index in values.indices { values[index] = Float((generator.unit() * 2 - 1) * limit) }
        case .heNormal:
            let deviation = (2 / fanIn).squareRoot() / 0.879_625_661_034_239_78
            for index in values.indices {
                var sample = generator.normal()
                while abs(sample) > 2 { sample = generator.normal() }
                values[index] = Float(sample * deviation)
            }
        }
    }
}

/// SplitMix64 with our own mappings to uniform and normal doubles, fixed so that results do
/// not change with the standard library.
struct SeededGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Standard normal by Box-Muller.
    mutating func normal() -> Double {
        let radius = (-2 * log(1 - unit())).squareRoot()
        return radius * cos(2 * Double.pi * unit())
    }
}
