import Foundation

/// A 2-D affine map of continuous pixel coordinates (pixel (i, j) spans [i, i+1) x [j, j+1)):
/// x' = a x + b y + c, y' = d x + e y + f.
struct AffineMap: Equatable, Sendable {
    var a: Double, b: Double, c: Double
    var d: Double, e: Double, f: Double

    static let identity = AffineMap(a: 1, b: 0, c: 0, d: 0, e: 1, f: 0)

    func apply(_ x: Double, _ y: Double) -> (x: Double, y: Double) {
        (a * x + b * y + c, d * x + e * y + f)
    }

    /// This map, then `next`.
    func followed(by next: AffineMap) -> AffineMap {
        AffineMap(a: next.a * a + next.b * d, b: next.a * b + next.b * e, c: next.a * c + next.b * f + next.c,
                  d: next.d * a + next.e * d, e: next.d * b + next.e * e, f: next.d * c + next.e * f + next.f)
    }

    /// The inverse map, nil when the map squashes the plane onto a line.
    var inverse: AffineMap? {
        let determinant = a * e - b * d
        guard determinant.isFinite, abs(determinant) > 1e-12 else { return nil }
        return AffineMap(a: e / determinant, b: -b / determinant, c: (b * f - e * c) / determinant,
                         d: -d / determinant, e: a / determinant, f: (d * c - a * f) / determinant)
    }

    static func translation(_ x: Double, _ y: Double) -> AffineMap {
        AffineMap(a: 1, b: 0, c: x, d: 0, e: 1, f: y)
    }

    static func scaling(_ x: Double, _ y: Double) -> AffineMap {
        AffineMap(a: x, b: 0, c: 0, d: 0, e: y, f: 0)
    }

    /// Counter-clockwise on screen (y points down) for positive degrees.
    static func rotation(degrees: Double) -> AffineMap {
        let angle = degrees * .pi / 180
        return AffineMap(a: cos(angle), b: sin(angle), c: 0, d: -sin(angle), e: cos(angle), f: 0)
    }

    /// Shear along x: x' = x + tan(angle) y.
    static func shear(degrees: Double) -> AffineMap {
        AffineMap(a: 1, b: tan(degrees * .pi / 180), c: 0, d: 0, e: 1, f: 0)
    }
}
