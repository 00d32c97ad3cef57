import Catalog
import Foundation
import Synchronization

/// In-memory fan-out of newly persisted events to live followers: each follower is an
/// `AsyncStream`, not a thread, so thousands cost memory only.
public final class EventHub: Sendable {
    private let followers = Mutex<[String: [UUID: AsyncStream<RunEvent>.Continuation]]>([:])

    public init() {}

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

    /// Delivers `event`; a terminal event also ends the run's streams.
    public func publish(_ event: EventRecord, terminal: Bool = false) {
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
