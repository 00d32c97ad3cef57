import Synchronization

/// Runs whose engine work must stop at the next checkpoint, and why.
final class CancellationRegistry: Sendable {
    enum Reason: Sendable { case cancelled, deleted, shutdown }
    private let requests = Mutex<[String: Reason]>([:])

    func request(_ runID: String, _ reason: Reason) {
        requests.withLock { table in
            if table[runID] == nil || reason != .cancelled { table[runID] = reason }
        }
    }

    func reason(_ runID: String) -> Reason? { requests.withLock { $0[runID] } }

    func clear(_ runID: String) { requests.withLock { $0[runID] = nil } }

    func requestAll(_ reason: Reason, _ runIDs: [String]) { for id in runIDs { request(id, reason) } }
}
