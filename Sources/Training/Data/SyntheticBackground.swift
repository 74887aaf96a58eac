import Foundation

/// Backgrounds of the synthetic images: two random colours blended by smooth value noise (two
/// octaves), sometimes with soft stripes. Textured enough that the detector cannot key on a flat
/// colour, smooth enough that no background patch looks like a shape.
struct SyntheticBackground: Sendable {
    /// The two colours the texture blends, 0...255 per channel.
    let first: SIMD3<Float>, second: SIMD3<Float>
    private let coarse: ValueNoise, fine: ValueNoise
    private let stripes: (period: Float, angle: Float, amplitude: Float)?
    /// 0 gives a flat `first` colour; 1 the full texture.
    private let strength: Float

    init(strength: Float, random: inout SeededRandom) {
        first = SIMD3(random.uniform(0...255), random.uniform(0...255), random.uniform(0...255))
        second = SIMD3(random.uniform(0...255), random.uniform(0...255), random.uniform(0...255))
        let cells = random.integer(in: 2...5)
        coarse = ValueNoise(cells: cells, random: &random)
        fine = ValueNoise(cells: cells * 3, random: &random)
        stripes = random.chance(0.35)
            ? (random.uniform(6...40), random.uniform(0...Float.pi), random.uniform(6...20))
            : nil
        self.strength = strength
    }

    /// Paints the background over an HWC float canvas.
    func paint(_ pixels: inout [Float], width: Int, height: Int) {
        let difference = second - first
        let coarseColumns = coarse.columns(width: width), fineColumns = fine.columns(width: width)
        var coarseRow = [Float](repeating: 0, count: coarse.cells + 1), fineRow = [Float](repeating: 0, count: fine.cells + 1)
        let wave = stripes.map { stripes in
            (table: (0..<256).map { sin(Float($0) * (2 * .pi / 256)) }, step: SIMD2(cos(stripes.angle), sin(stripes.angle)) / stripes.period,
             amplitude: strength * stripes.amplitude)
        }
        for y in 0..<height {
            let v = (Float(y) + 0.5) / Float(height)
            coarse.row(at: v, into: &coarseRow)
            fine.row(at: v, into: &fineRow)
            for x in 0..<width {
                let t = strength * (0.7 * ValueNoise.value(coarseRow, coarseColumns[x]) + 0.3 * ValueNoise.value(fineRow, fineColumns[x]))
                var colour = first + t * difference
                if let wave {
                    let phase = Float(x) * wave.step.x + Float(y) * wave.step.y
                    colour += SIMD3(repeating: wave.amplitude * wave.table[Int((phase - phase.rounded(.down)) * 256) & 255])
                }
                let i = (y * width + x) * 3
                pixels[i] = colour.x
                pixels[i + 1] = colour.y
                pixels[i + 2] = colour.z
            }
        }
    }
}

/// Smooth noise on [0, 1]^2: random values on a (cells + 1)^2 lattice, interpolated with smoothstep,
/// evaluated a row at a time.
struct ValueNoise: Sendable {
    let cells: Int
    let lattice: [Float]

    init(cells: Int, random: inout SeededRandom) {
        self.cells = cells
        lattice = (0..<(cells + 1) * (cells + 1)).map { _ in random.unit() }
    }

    /// For each of `width` pixel columns: its lattice cell and the smoothed position inside it.
    func columns(width: Int) -> [(cell: Int, weight: Float)] {
        (0..<width).map { x in
            let position = (Float(x) + 0.5) / Float(width) * Float(cells)
            let cell = min(Int(position), cells - 1)
            return (cell, smooth(position - Float(cell)))
        }
    }

    /// The lattice interpolated down to height `v` (0...1): one value per lattice column.
    func row(at v: Float, into values: inout [Float]) {
        let position = v * Float(cells)
        let j = min(Int(position), cells - 1), weight = smooth(position - Float(j))
        let stride = cells + 1
        for i in 0...cells {
            let top = lattice[j * stride + i]
            values[i] = top + weight * (lattice[(j + 1) * stride + i] - top)
        }
    }

    /// The noise at a column (from `columns`) of an interpolated row (from `row`).
    static func value(_ row: [Float], _ column: (cell: Int, weight: Float)) -> Float {
        let left = row[column.cell]
        return left + column.weight * (row[column.cell + 1] - left)
    }

    private func smooth(_ t: Float) -> Float { t * t * (3 - 2 * t) }
}
