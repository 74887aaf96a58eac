/// Tensors that live inside another tensor's memory: a RESHAPE output is its input viewed with
/// a new shape; a CONCATENATION input is written directly into its slice of the output.
struct StorageAliases {
    private var host: [Int: (tensor: Int, offset: Int)] = [:]

    /// The tensor whose memory holds `tensor`, and the byte offset of `tensor` inside it.
    func root(of tensor: Int) -> (tensor: Int, offset: Int) {
        var current = (tensor: tensor, offset: 0)
        while let next = host[current.tensor] {
            current = (next.tensor, current.offset + next.offset)
        }
        return current
    }

    func isRoot(_ tensor: Int) -> Bool { host[tensor] == nil }

    /// Puts the root tensor `tensor` (and everything inside it) at `offset` inside `container`.
    mutating func place(_ tensor: Int, inside container: Int, at offset: Int) {
        precondition(isRoot(tensor) && root(of: container).tensor != tensor, "aliasing would form a cycle")
        host[tensor] = (container, offset)
    }
}
