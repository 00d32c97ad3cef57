import Synchronization

/// Runs whose engine work must stop at the next checkpoint, and why; and the runs this node is
/// working on now (`begin`/`end`), which a cancel announced by another node is matched against.
final class CancellationRegistry: Sendable {
    /// `catalogFailure`: the catalog kept failing for this run; it must end as ERROR.
    /// `superseded`: this node's claim lost the run (its lease lapsed and was reaped); another
    /// claim finishes it, this one stops and writes nothing more.
    enum Reason: Sendable { case cancelled, deleted, shutdown, catalogFailure, superseded }

    private struct State {
        var requests: [String: Reason] = [:]
        var shuttingDown = false
        /// Runs being worked on here, with how many pieces of work each (a run's owner, chunks).
        var active: [String: Int] = [:]
    }

    private let state = Mutex(State())

    func request(_ runID: String, _ reason: Reason) {
        state.withLock { state in
            if state.requests[runID] == nil || reason != .cancelled { state.requests[runID] = reason }
        }
    }

    /// Why `runID` must stop; every run stops for `shutdown` once it began, whatever else was asked.
    func reason(_ runID: String) -> Reason? {
        state.withLock { state in state.shuttingDown ? .shutdown : state.requests[runID] }
    }

    func clear(_ runID: String) { state.withLock { _ = $0.requests.removeValue(forKey: runID) } }

    /// Every run, running now or claimed later, stops at its next checkpoint.
    func beginShutdown() { state.withLock { $0.shuttingDown = true } }

    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// This node starts work on `runID` (each `begin` is matched by one `end`).
    func begin(_ runID: String) { state.withLock { $0.active[runID, default: 0] += 1 } }

    /// The last `end` of a run also forgets why it had to stop: nothing here works on it any
    /// more (a node that worked on chunks of a cancelled run keeps no entry for it).
    func end(_ runID: String) {
        state.withLock { state in
            let left = (state.active[runID] ?? 1) - 1
            state.active[runID] = left > 0 ? left : nil
            if left <= 0 && !state.shuttingDown { state.requests[runID] = nil }
        }
    }

    func isActive(_ runID: String) -> Bool { state.withLock { $0.active[runID] != nil } }

    var activeRuns: Set<String> { state.withLock { Set($0.active.keys) } }
}
