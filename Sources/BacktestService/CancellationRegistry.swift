import Synchronization

/// Runs whose engine work must stop at the next checkpoint, and why.
final class CancellationRegistry: Sendable {
    /// `catalogFailure`: the catalog kept failing for this run; it must end as ERROR.
    /// `superseded`: this node's claim lost the run (its lease lapsed and was reaped); another
    /// claim finishes it, this one stops and writes nothing more.
    enum Reason: Sendable { case cancelled, deleted, shutdown, catalogFailure, superseded }

    private struct State {
        var requests: [String: Reason] = [:]
        var shuttingDown = false
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
}
