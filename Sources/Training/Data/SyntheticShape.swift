import Foundation

/// The object classes of the synthetic dataset: shapes told apart by their outline alone (colour,
/// size, aspect and rotation are random), so a detector has to learn shape.
public enum SyntheticShape: String, CaseIterable, Sendable {
    case ellipse, rectangle, triangle, star, cross

    /// The shape's outline around the origin, about 2 units across, before rotation and scaling;
    /// its proportions vary with `random` within bounds that keep the shapes distinct.
    func outline(using random: inout SeededRandom) -> [SIMD2<Float>] {
        switch self {
        case .ellipse:
            let aspect = random.uniform(0.55...1)
            return (0..<48).map { k in
                let angle = Float(k) * (2 * .pi / 48)
                return SIMD2(cos(angle), aspect * sin(angle))
            }
        case .rectangle:
            let aspect = random.uniform(0.45...1)
            return [SIMD2(-1, -aspect), SIMD2(1, -aspect), SIMD2(1, aspect), SIMD2(-1, aspect)]
        case .triangle:
            let apex = random.uniform(-0.5...0.5)
            let height = random.uniform(0.75...1.2)
            return [SIMD2(apex, -height), SIMD2(1, height), SIMD2(-1, height)]
        case .star:
            let inner = random.uniform(0.38...0.5)
            let squash = random.uniform(0.8...1)
            return (0..<10).map { k in
                let angle = Float(k) * (.pi / 5) - .pi / 2
                let radius: Float = k % 2 == 0 ? 1 : inner
                return SIMD2(radius * cos(angle), squash * radius * sin(angle))
            }
        case .cross:
            let arm = random.uniform(0.3...0.42)
            let squash = random.uniform(0.75...1)
            let corners: [(Float, Float)] = [(-arm, -1), (arm, -1), (arm, -arm), (1, -arm), (1, arm), (arm, arm),
                                             (arm, 1), (-arm, 1), (-arm, arm), (-1, arm), (-1, -arm), (-arm, -arm)]
            return corners.map { SIMD2($0.0, squash * $0.1) }
        }
    }
}
