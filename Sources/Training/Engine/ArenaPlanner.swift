/// First-fit placement of buffers with known lifetimes in one arena: where each goes and how
/// large the arena must be. Offsets are in floats, aligned to 64 bytes.
struct ArenaPlanner {
    private(set) var size = 0
    /// Free gaps below `size`, sorted by offset.
    private var gaps: [(offset: Int, count: Int)] = []

    static func aligned(_ count: Int) -> Int { (count + 15) & ~15 }

    mutating func allocate(_ requested: Int) -> Int {
        let count = Self.aligned(max(requested, 1))
        if let index = gaps.firstIndex(where: { $0.count >= count }) {
            let gap = gaps[index]
            if gap.count == count {
                gaps.remove(at: index)
            } else {
                gaps[index] = (gap.offset + count, gap.count - count)
            }
            return gap.offset
        }
        // Grow, reusing a gap that ends at the top.
        if let last = gaps.last, last.offset + last.count == size {
            gaps.removeLast()
            size = last.offset + count
            return last.offset
        }
        defer { size += count }
        return size
    }

    mutating func free(_ offset: Int, _ requested: Int) {
        let count = Self.aligned(max(requested, 1))
        let index = gaps.firstIndex { $0.offset > offset } ?? gaps.count
        gaps.insert((offset, count), at: index)
        // Merge with the neighbours.
        if index + 1 < gaps.count, gaps[index].offset + gaps[index].count == gaps[index + 1].offset {
            gaps[index].count += gaps[index + 1].count
            gaps.remove(at: index + 1)
        }
        if index > 0, gaps[index - 1].offset + gaps[index - 1].count == gaps[index].offset {
            gaps[index - 1].count += gaps[index].count
            gaps.remove(at: index)
        }
    }
}
