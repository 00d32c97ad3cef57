import Catalog
import Foundation
import Synchronization

/// In-memory fan-out of newly persisted events to live followers: each follower is an
/// `AsyncStream`, not a thread, so thousands cost memory only.
///
/// On a shared (PostgreSQL) catalog another node may write a run's events, so the hub is fed
/// only by `CrossNodeEvents`, which reads them from the catalog by seq: `publish` from the
/// local writer is then ignored, and every follower sees one ordered stream whoever wrote it.
public final class EventHub: Sendable {
    private let followers = Mutex<[String: [UUID: AsyncStream<RunEvent>.Continuation]]>([:])
    private let relayed: Bool

    /// `relayed`: events arrive through `deliver` only (see above).
    public init(relayed: Bool = false) { self.relayed = relayed }

    /// Events of `runID` published from now on; the stream ends after the run's terminal event.
    public func subscribe(runID: String) -> AsyncStream<RunEvent> {
        let (stream, continuation) = AsyncStream<RunEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let token = UUID()
        followers.withLock { $0[runID, default: [:]][token] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.followers.withLock { table in
                table[runID]?[token] = nil
                if table[runID]?.isEmpty == true { table[runID] = nil }
            }
        }
        return stream
    }

    /// Live followers (SSE streams and WebSockets) across all runs.
    public var followerCount: Int {
        followers.withLock { table in table.values.reduce(0) { $0 + $1.count } }
    }

    /// Runs with at least one live follower.
    var followedRuns: [String] { followers.withLock { Array($0.keys) } }

    func isFollowed(_ runID: String) -> Bool { followers.withLock { $0[runID] != nil } }

    /// Delivers `event` written by this node; a terminal event also ends the run's streams.
    public func publish(_ event: EventRecord, terminal: Bool = false) {
        guard !relayed else { return }
        deliver(event, terminal: terminal)
    }

    /// Delivers `event` whoever wrote it.
    func deliver(_ event: EventRecord, terminal: Bool) {
        let targets = followers.withLock { table -> [AsyncStream<RunEvent>.Continuation] in
            let current = Array((table[event.runID] ?? [:]).values)
            if terminal { table[event.runID] = nil }
            return current
        }
        let runEvent = RunEvent(event)
        for continuation in targets {
            continuation.yield(runEvent)
            if terminal { continuation.finish() }
        }
    }

    /// Ends every stream of a run (e.g. it was deleted).
    public func close(runID: String) {
        let targets = followers.withLock { $0.removeValue(forKey: runID).map { Array($0.values) } ?? [] }
        for continuation in targets { continuation.finish() }
    }
}
