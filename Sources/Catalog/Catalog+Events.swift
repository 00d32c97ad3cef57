/// Per-run event logs (`seq` from 0): what SSE replays.
extension Catalog {
    static func appendEvent(
        _ database: any CatalogConnection, runID: String, type: String, timestamp: String, data: String
    ) throws
        -> EventRecord
    {
        let next = try database.prepare("SELECT COALESCE(MAX(seq) + 1, 0) FROM events WHERE run_id = ?").bind(
            .text(runID))
        _ = try next.step()
        return try insertEvent(
            database, EventRecord(runID: runID, seq: next.int(0), type: type, timestamp: timestamp, data: data))
    }

    /// Stores `event` at its own seq (the caller knows it is the next one).
    static func insertEvent(_ database: any CatalogConnection, _ event: EventRecord) throws -> EventRecord {
        try database.prepare("INSERT INTO events (run_id, seq, type, ts, data) VALUES (?, ?, ?, ?, ?)")
            .bind(
                .text(event.runID), .integer(event.seq), .text(event.type), .text(event.timestamp), .text(event.data)
            ).run()
        // Delivered to every node's listener when (and only if) this transaction commits.
        if database.dialect == .postgres {
            try database.prepare("SELECT pg_notify('\(EventListener.channel)', ?)").bind(
                .text(notifyPayload(runID: event.runID, seq: event.seq))
            ).run()
        }
        return event
    }

    /// Appends one event to a run; nil when the run no longer exists (deleted), which is not an
    /// error — an error always means the catalog failed.
    public func appendEvent(runID: String, type: String, timestamp: String, data: String) throws -> EventRecord? {
        try write { database in
            try database.transaction {
                let exists = try database.prepare("SELECT 1 FROM runs WHERE id = ?").bind(.text(runID))
                guard try exists.step() else { return nil }
                return try Self.appendEvent(database, runID: runID, type: type, timestamp: timestamp, data: data)
            }
        }
    }

    /// Events with `seq > after`, in order.
    public func events(runID: String, after: Int) throws -> [EventRecord] {
        try read { database in
            let statement = try database.prepare(
                "SELECT seq, type, ts, data FROM events WHERE run_id = ? AND seq > ? ORDER BY seq"
            ).bind(.text(runID), .integer(after))
            var events: [EventRecord] = []
            while try statement.step() {
                events.append(
                    EventRecord(
                        runID: runID, seq: statement.int(0), type: statement.text(1) ?? "",
                        timestamp: statement.text(2) ?? "",
                        data: statement.text(3) ?? "{}"))
            }
            return events
        }
    }
}
