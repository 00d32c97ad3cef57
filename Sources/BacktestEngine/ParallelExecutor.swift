import Dispatch

/// Runs the iterations of a parallel loop; the grid runner's only way to use more cores,
/// so a host can choose which threads (and at which priority) do engine work.
public protocol ParallelExecutor: Sendable {
    /// Runs `body(0) … body(count − 1)`, possibly concurrently, and returns when all are done.
    func forEach(_ count: Int, _ body: @escaping @Sendable (Int) -> Void)
}

/// Dispatch's `concurrentPerform` on the global pool.
public struct DispatchExecutor: ParallelExecutor {
    public init() {}

    public func forEach(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
