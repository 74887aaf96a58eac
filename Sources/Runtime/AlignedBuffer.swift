/// A zero-filled, 64-byte aligned block of memory owned by the runtime.
final class AlignedBuffer {
    let pointer: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 64)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    convenience init<C: Collection>(copying bytes: C) where C.Element == UInt8 {
        self.init(byteCount: bytes.count)
        UnsafeMutableRawBufferPointer(start: pointer, count: byteCount).copyBytes(from: bytes)
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: byteCount) }

    deinit { pointer.deallocate() }
}
