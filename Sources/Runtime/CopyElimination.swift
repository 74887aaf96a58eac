import TFLiteFormat

/// Removes the steps that only move bytes, so their outputs need no memory of their own:
/// a PAD read by one convolution becomes that convolution's implicit padding, a RESHAPE becomes
/// a view of its input, and a CONCATENATION along its outermost axis has its inputs written
/// straight into their slices of the output.
struct CopyElimination {
    private(set) var steps: [PlannedStep]
    private(set) var aliases = StorageAliases()
    private let tensors: [TensorInfo]
    private let constants: Set<Int>
    private let graphOutputs: Set<Int>

    init(steps: [PlannedStep], tensors: [TensorInfo], constants: Set<Int>, graphOutputs: Set<Int>) {
        self.steps = steps
        self.tensors = tensors
        self.constants = constants
        self.graphOutputs = graphOutputs
        absorbPadding()
        viewReshapes()
        concatenateInPlace()
    }

    private func readers(of tensor: Int) -> [Int] {
        steps.indices.filter { steps[$0].inputs.contains(tensor) }
    }

    private mutating func absorbPadding() {
        var index = 0
        while index < steps.count {
            defer { index += 1 }
            guard let pad = steps[index].kernel as? PadStep, !graphOutputs.contains(pad.output),
                  pad.inputShape.count == 4, pad.padBefore[0] == 0, pad.padBefore[3] == 0,
                  pad.outputShape[0] == pad.inputShape[0], pad.outputShape[3] == pad.inputShape[3] else { continue }
            let consumers = readers(of: pad.output)
            guard consumers.count == 1, let convolution = steps[consumers[0]].kernel as? PaddingAbsorbingStep,
                  steps[consumers[0]].inputs.first == pad.output,
                  pad.paddingValue == convolution.implicitPaddingValue else { continue }
            let consumer = consumers[0]
            steps[consumer].kernel = convolution.absorbingPadding(
                input: pad.input, height: pad.inputShape[1], width: pad.inputShape[2],
                top: pad.padBefore[1], left: pad.padBefore[2])
            steps[consumer].inputs[0] = pad.input
            steps.remove(at: index)
            index -= 1
        }
    }

    private mutating func viewReshapes() {
        steps.removeAll { step in
            guard step.code == .reshape, let input = step.inputs.first, let output = step.outputs.first,
                  !constants.contains(input), aliases.isRoot(output), aliases.root(of: input).tensor != output else { return false }
            aliases.place(output, inside: input, at: 0)
            return true
        }
    }

    private mutating func concatenateInPlace() {
        steps.removeAll { step in
            guard let concatenation = step.kernel as? ConcatenationStep, concatenation.outerCount == 1,
                  let output = step.outputs.first, Set(concatenation.inputs).count == concatenation.inputs.count else { return false }
            // Each input's whole memory must be free to move into the output.
            var placements: [(root: Int, offset: Int)] = []
            var prefix = 0
            for (input, bytes) in zip(concatenation.inputs, concatenation.chunkBytes) {
                let root = aliases.root(of: input)
                guard !constants.contains(root.tensor), root.tensor != aliases.root(of: output).tensor,
                      tensors[root.tensor].byteCount == tensors[input].byteCount, root.offset == 0,
                      !placements.contains(where: { $0.root == root.tensor }) else { return false }
                placements.append((root.tensor, prefix))
                prefix += bytes
            }
            for placement in placements { aliases.place(placement.root, inside: output, at: placement.offset) }
            return true
        }
    }
}
