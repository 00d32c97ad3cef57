import Synchronization

/// The server-wide count of request-body bytes held in memory across all connections.
///
/// Whole bodies reserve before they grow (`tryReserve`), so past the budget a new body is refused
/// with 503 instead of growing memory; streamed bodies hold little each and `reserve` regardless,
/// pausing their reading while the budget is spent.
final class BodyBudget: Sendable {
    let limit: Int
    private let held = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Bytes currently held.
    var current: Int { held.load(ordering: .relaxed) }

    /// True while everything the budget allows is held.
    var isSpent: Bool { current >= limit }

    /// Takes `count` bytes if they fit; false (and nothing taken) when they do not.
    func tryReserve(_ count: Int) -> Bool {
        guard count > 0 else { return true }
        var observed = held.load(ordering: .relaxed)
        while true {
            let (next, overflow) = observed.addingReportingOverflow(count)
            guard !overflow, next <= limit else { return false }
            let (exchanged, original) = held.compareExchange(
                expected: observed, desired: next, ordering: .relaxed)
            if exchanged { return true }
            observed = original
        }
    }

    /// Takes `count` bytes even past the limit (small, already-bounded buffers).
    func reserve(_ count: Int) {
        if count > 0 { held.wrappingAdd(count, ordering: .relaxed) }
    }

    func release(_ count: Int) {
        if count > 0 { held.wrappingSubtract(count, ordering: .relaxed) }
    }
}
