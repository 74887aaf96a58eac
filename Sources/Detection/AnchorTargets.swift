/// What the loss asks of each anchor of one training image (PIPELINE.md §6): a label and, for
/// positive anchors, the encoded box of the object it matched.
///
/// Storage is flat so the loss reads it without per-anchor objects; `AnchorMatcher` fills it in
/// place, so one value per image can be reused from batch to batch without allocating.
public struct AnchorTargets: Equatable, Sendable {
    public enum Label: Equatable, Hashable, Sendable {
        /// Target class 0: the anchor shows no object.
        case background
        /// Overlaps an object too much to count as background but was not matched to it: no loss.
        case neutral
        /// Matched to an object of this class (0-based, background excluded; model class `classIndex + 1`).
        case object(classIndex: Int)
    }

    /// `modelClasses` entry of a neutral anchor.
    public static let neutralModelClass: Int32 = -1

    /// Per anchor: 0 for background, `c + 1` for object class `c`, `neutralModelClass` for neutral.
    public private(set) var modelClasses: [Int32]
    /// Four offsets per anchor (x0, y0, x1, y1, as `BoxOffsets`); zero unless the anchor is positive.
    public private(set) var boxOffsets: [Float]
    /// Anchors matched to an object.
    public private(set) var positiveCount = 0

    /// Targets with every anchor background.
    public init(anchorCount: Int) {
        modelClasses = [Int32](repeating: 0, count: anchorCount)
        boxOffsets = [Float](repeating: 0, count: anchorCount * 4)
    }

    public var anchorCount: Int { modelClasses.count }

    public func label(anchor: Int) -> Label {
        switch modelClasses[anchor] {
        case 0: return .background
        case Self.neutralModelClass: return .neutral
        case let modelClass: return .object(classIndex: Int(modelClass) - 1)
        }
    }

    public func offsets(anchor: Int) -> BoxOffsets {
        BoxOffsets(x0: boxOffsets[anchor * 4], y0: boxOffsets[anchor * 4 + 1],
                   x1: boxOffsets[anchor * 4 + 2], y1: boxOffsets[anchor * 4 + 3])
    }

    /// Sets one anchor's target; `offsets` are kept only for `.object` labels (others store zeros).
    public mutating func set(anchor: Int, label: Label, offsets: BoxOffsets = .zero) {
        if case .object = self.label(anchor: anchor) { positiveCount -= 1 }
        let stored: BoxOffsets
        switch label {
        case .background:
            modelClasses[anchor] = 0
            stored = .zero
        case .neutral:
            modelClasses[anchor] = Self.neutralModelClass
            stored = .zero
        case .object(let classIndex):
            precondition(classIndex >= 0 && classIndex < Int(Int32.max), "class index \(classIndex) is not a class")
            modelClasses[anchor] = Int32(classIndex + 1)
            positiveCount += 1
            stored = offsets
        }
        boxOffsets[anchor * 4] = stored.x0
        boxOffsets[anchor * 4 + 1] = stored.y0
        boxOffsets[anchor * 4 + 2] = stored.x1
        boxOffsets[anchor * 4 + 3] = stored.y1
    }

    /// Gives `AnchorMatcher` direct write access for one whole-image assignment.
    mutating func overwrite(_ body: (UnsafeMutableBufferPointer<Int32>, UnsafeMutableBufferPointer<Float>) -> Int) {
        positiveCount = modelClasses.withUnsafeMutableBufferPointer { classes in
            boxOffsets.withUnsafeMutableBufferPointer { offsets in body(classes, offsets) }
        }
    }
}
