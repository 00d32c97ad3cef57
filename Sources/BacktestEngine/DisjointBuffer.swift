/// A buffer shared by the iterations of one `concurrentPerform`.
///
/// `@unchecked Sendable`: every iteration reads and writes only its own contiguous index
/// range (see `GridRunner.slice`), and the buffer outlives the call, so no two threads touch
/// the same element and no access races with deallocation.
struct DisjointBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress ?? UnsafeMutablePointer<Element>.allocate(capacity: 0)
        count = buffer.count
    }
}
