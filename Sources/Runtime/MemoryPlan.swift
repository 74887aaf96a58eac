/// Where every activation lives in the one arena, computed ahead of the run from tensor lifetimes.
///
/// Tensors whose lifetimes do not overlap share bytes. A pixel-wise step whose input dies with
/// it runs in place, a piece at a time through the scratch area (expanding steps from the end),
/// so its input and output share one region. The scratch area sits at the end of the arena and
/// also serves the steps' own temporary buffers.
struct MemoryPlan {
    /// Arena byte offset of every tensor that holds data at run time.
    var offsets: [Int: Int]
    /// Steps (indices into the planned steps) that run in place, piece by piece.
    var inPlaceSteps: Set<Int>
    var scratchOffset: Int
    var scratchBytes: Int
    /// Scratch bytes of one thread; thread `p` of a step uses `p * scratchStride` onwards.
    var scratchStride: Int
    var arenaBytes: Int

    static let alignment = 16
    /// Bytes of input copied per piece of an in-place step.
    static let pieceBytes = 4096

    /// Every runtime tensor in its own region: what `preserveAllTensors` needs.
    static func separate(steps: [PlannedStep], tensors: [TensorInfo], inputs: [Int], threads: Int) -> MemoryPlan {
        var offsets: [Int: Int] = [:]
        var size = 0
        for tensor in inputs + steps.flatMap(\.outputs) where offsets[tensor] == nil {
            offsets[tensor] = size
            size += aligned(tensors[tensor].byteCount)
        }
        let stride = aligned(steps.map(\.kernel.scratchBytes).max() ?? 0)
        return MemoryPlan(offsets: offsets, inPlaceSteps: [], scratchOffset: size, scratchBytes: stride * threads,
                          scratchStride: stride, arenaBytes: size + stride * threads)
    }

    /// Shares memory between tensors that are never live together.
    static func shared(steps: [PlannedStep], tensors: [TensorInfo], inputs: [Int], outputs: [Int], constants: Set<Int>,
                       aliases: StorageAliases, threads: Int) -> MemoryPlan {
        let groups = StorageGroups(steps: steps, tensors: tensors, inputs: inputs, outputs: outputs, constants: constants,
                                   aliases: aliases)
        var pairs: [StorageGroups.InPlacePair] = []
        // In-place steps run piece by piece on one thread whatever the thread count: the arena stays within the model card's RAM.
        for (index, step) in steps.enumerated() {
            guard let pixelwise = step.kernel as? PixelwiseStep,
                  groups.canShare(output: pixelwise.outputTensor, withDyingInput: pixelwise.inputTensor, at: index,
                                  aliases: aliases) else { continue }
            pairs.append(.init(step: index, input: aliases.root(of: pixelwise.inputTensor).tensor, output: pixelwise.outputTensor))
        }
        // Greedy placement is order-sensitive; keep the smaller of two natural orders.
        let placement = [groups.placed(order: .largestFirst, pairs: pairs), groups.placed(order: .earliestFirst, pairs: pairs)]
            .min { $0.size < $1.size }!
        var offsets: [Int: Int] = [:]
        for tensor in groups.members {
            let root = aliases.root(of: tensor)
            offsets[tensor] = placement.offsets[root.tensor, default: 0] + root.offset
        }
        let inPlace = pairs.filter { placement.offsets[$0.input] == placement.offsets[$0.output] }
        let pieceScratch = inPlace.map { pair -> Int in
            let step = steps[pair.step].kernel as! PixelwiseStep
            return pieceUnits(step) * step.inputUnitBytes
        }.max() ?? 0
        // Each thread has its own kernel scratch; pieces of in-place steps (which run on one
        // thread) follow them.
        let stride = aligned(steps.map(\.kernel.scratchBytes).max() ?? 0)
        let scratchOffset = aligned(placement.size)
        return MemoryPlan(offsets: offsets, inPlaceSteps: Set(inPlace.map(\.step)), scratchOffset: scratchOffset,
                          scratchBytes: stride * threads + pieceScratch, scratchStride: stride,
                          arenaBytes: scratchOffset + aligned(stride * threads + pieceScratch))
    }

    /// Units per piece of an in-place step: about `pieceBytes` of input.
    static func pieceUnits(_ step: PixelwiseStep) -> Int {
        max(1, pieceBytes / max(step.inputUnitBytes, 1))
    }

    static func aligned(_ bytes: Int) -> Int { (bytes + alignment - 1) / alignment * alignment }
}

/// The tensors of a plan gathered by the memory they share, with sizes and lifetimes.
struct StorageGroups {
    struct Group {
        var size = 0
        var firstStep = Int.max
        var lastStep = Int.min
    }

    private(set) var groups: [Int: Group] = [:]
    private(set) var members: [Int] = []
    private var lastReader: [Int: Int] = [:]

    /// Lifetimes in step indices: graph inputs are born before step 0, graph outputs live past
    /// the end, and a view (a tensor inside another) lives as long as anything in its group.
    init(steps: [PlannedStep], tensors: [TensorInfo], inputs: [Int], outputs: [Int], constants: Set<Int>,
         aliases: StorageAliases) {
        var born: [Int: Int] = [:]
        var present = Set(inputs).union(outputs)
        for input in inputs { born[input] = -1 }
        for (index, step) in steps.enumerated() {
            for output in step.outputs where born[output] == nil { born[output] = index }
            for input in step.inputs { lastReader[input] = index }
            present.formUnion(step.inputs)
            present.formUnion(step.outputs)
        }
        for output in outputs { lastReader[output] = steps.count }
        members = present.subtracting(constants).sorted()
        for tensor in members {
            let root = aliases.root(of: tensor)
            var group = groups[root.tensor] ?? Group()
            group.size = max(group.size, root.offset + tensors[tensor].byteCount)
            if let birth = born[tensor] { group.firstStep = min(group.firstStep, birth) }
            group.lastStep = max(group.lastStep, lastReader[tensor] ?? born[tensor] ?? group.lastStep)
            groups[root.tensor] = group
        }
        for (root, group) in groups where group.firstStep == Int.max {
            groups[root]?.firstStep = group.lastStep
        }
    }

    /// True when `output` may take over `input`'s memory at step `index`: the input covers its
    /// whole group, which nothing reads after this step, and the output is not inside another tensor.
    func canShare(output: Int, withDyingInput input: Int, at index: Int, aliases: StorageAliases) -> Bool {
        let inputRoot = aliases.root(of: input)
        guard inputRoot.offset == 0, aliases.isRoot(output), inputRoot.tensor != output,
              let inputGroup = groups[inputRoot.tensor], let outputGroup = groups[output] else { return false }
        return inputGroup.lastStep == index && outputGroup.firstStep == index
    }

    /// A pixel-wise step whose output may start where its dying input starts.
    struct InPlacePair {
        var step: Int
        var input: Int
        var output: Int
    }

    enum Order {
        case largestFirst, earliestFirst
    }

    /// Offsets by first fit (TFLite Micro's greedy scheme with `largestFirst`): each group goes
    /// at the lowest offset clear of the placed groups whose lifetimes overlap its own. A group
    /// of an in-place pair whose partner is placed takes the partner's offset when that is clear
    /// of everything else.
    func placed(order: Order, pairs: [InPlacePair]) -> (offsets: [Int: Int], size: Int) {
        let sequence = groups.keys.sorted { a, b in
            let (ga, gb) = (groups[a]!, groups[b]!)
            switch order {
            case .largestFirst: return ga.size != gb.size ? ga.size > gb.size : (ga.firstStep, a) < (gb.firstStep, b)
            case .earliestFirst: return ga.firstStep != gb.firstStep ? ga.firstStep < gb.firstStep : (ga.size, a) > (gb.size, b)
            }
        }
        var offsets: [Int: Int] = [:]
        var size = 0
        for tensor in sequence {
            let group = groups[tensor]!
            let partners = Set(pairs.flatMap { pair -> [Int] in
                pair.input == tensor ? [pair.output] : pair.output == tensor ? [pair.input] : []
            })
            func conflicts(excluding excluded: Set<Int>) -> [(start: Int, end: Int)] {
                offsets.compactMap { other, offset in
                    guard !excluded.contains(other), let o = groups[other],
                          o.firstStep <= group.lastStep && group.firstStep <= o.lastStep else { return nil }
                    return (offset, offset + o.size)
                }.sorted { $0.start < $1.start }
            }
            func isClear(_ offset: Int, _ regions: [(start: Int, end: Int)]) -> Bool {
                regions.allSatisfy { offset + group.size <= $0.start || offset >= $0.end }
            }
            let placedPartner = partners.compactMap { partner in offsets[partner].map { (partner, $0) } }.first
            if let (partner, offset) = placedPartner, isClear(offset, conflicts(excluding: [partner])) {
                offsets[tensor] = offset
            } else {
                var offset = 0
                for region in conflicts(excluding: []) where offset + group.size > region.start {
                    offset = max(offset, MemoryPlan.aligned(region.end))
                }
                offsets[tensor] = offset
            }
            size = max(size, offsets[tensor]! + group.size)
        }
        return (offsets, size)
    }
}
