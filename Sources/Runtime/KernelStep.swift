/// The data pointer of every tensor during a run, indexed by tensor index.
struct TensorMemory {
    let pointers: [UnsafeMutableRawPointer?]

    subscript(_ tensor: Int) -> UnsafeMutableRawPointer {
        // The planner gives every tensor a step touches a buffer before any step runs.
        pointers[tensor]!
    }

    func int8(_ tensor: Int) -> UnsafeMutablePointer<Int8> { self[tensor].assumingMemoryBound(to: Int8.self) }
    func uint8(_ tensor: Int) -> UnsafeMutablePointer<UInt8> { self[tensor].assumingMemoryBound(to: UInt8.self) }
    func int32(_ tensor: Int) -> UnsafeMutablePointer<Int32> { self[tensor].assumingMemoryBound(to: Int32.self) }
    func float(_ tensor: Int) -> UnsafeMutablePointer<Float> { self[tensor].assumingMemoryBound(to: Float.self) }
}

/// One prepared operator: kernel parameters fixed at load time, tensors named by index.
protocol KernelStep {
    func run(_ memory: TensorMemory)
}

/// What preparing an operator produces.
struct PreparedOperator {
    var outputShapes: [[Int]]
    var step: any KernelStep
    /// False for SHAPE, whose result depends only on static shapes, so it always folds.
    var readsInputData = true
    /// Multiply-accumulates per run (convolutions only).
    var macs = 0
    /// Bytes of constant weights and biases the operator reads (convolutions only).
    var weightBytes = 0
}
