import Catalog

/// One event of a run's log, as the API streams it (`seq` from 0; `data` is a JSON object text).
public struct RunEvent: Sendable, Equatable {
    public let runID: String
    public let seq: Int
    public let type: String
    public let timestamp: String
    public let data: String

    init(_ record: EventRecord) {
        runID = record.runID
        seq = record.seq
        type = record.type
        timestamp = record.timestamp
        data = record.data
    }

    /// Whether this event ends the log (`completed`, `failed` or `cancelled`).
    public var isTerminal: Bool { type == "completed" || type == "failed" || type == "cancelled" }
}
