/// Cancelling a run through any node. A QUEUED run is cancelled at once; a RUNNING one gets
/// `cancel_requested` set, and on PostgreSQL a notification on `EventListener.cancelChannel` in
/// the same transaction, so every node working on it stops at its next checkpoint. The flag is
/// the truth: a node hearing a notification checks it before stopping anything, and each node's
/// heartbeat reads the flags too, so a lost notification makes a cancel slower, never lost.
extension Catalog {
    /// Cancels a QUEUED run at once (with its terminal event, returned); flags a RUNNING one
    /// (a second request flags and notifies again, harmlessly); leaves a finished one alone.
    /// Nil when `owner` has no run `id`.
    public func requestCancel(id: String, owner: String, at timestamp: String, eventData: String) throws -> (
        RunRecord, EventRecord?
    )? {
        try durableWrite { database in
            try database.transaction {
                guard let run = try Self.fetchRun(database, where: "id = ? AND owner = ?", .text(id), .text(owner))
                else {
                    return nil
                }
                switch run.status {
                case .queued:
                    try database.prepare("UPDATE runs SET status = 'CANCELLED', finished_at = ? WHERE id = ?")
                        .bind(.text(timestamp), .text(id)).run()
                    let event = try Self.appendEvent(
                        database, runID: id, type: "cancelled", timestamp: timestamp, data: eventData)
                    return (try Self.fetchRun(database, where: "id = ?", .text(id)) ?? run, event)
                case .running:
                    try database.prepare("UPDATE runs SET cancel_requested = 1 WHERE id = ?").bind(.text(id)).run()
                    if database.dialect == .postgres {
                        // Delivered to every node's listener when (and only if) this commits.
                        try database.prepare("SELECT pg_notify('\(EventListener.cancelChannel)', ?)")
                            .bind(.text(Self.cancelPayload(runID: id))).run()
                    }
                    return (run, nil)
                case .done, .error, .cancelled:
                    return (run, nil)
                }
            }
        }
    }

    /// Whether a cancel was asked of `id` while it is RUNNING (what a node hearing a
    /// notification checks before it stops anything: a forged notification changes nothing).
    public func isCancelRequested(id: String) throws -> Bool {
        try read { database in
            let statement = try database.prepare(
                "SELECT 1 FROM runs WHERE id = ? AND status = 'RUNNING' AND cancel_requested = 1"
            ).bind(.text(id))
            return try statement.step()
        }
    }

    /// Every RUNNING run a cancel was asked of (few, and only until each stops): what a node's
    /// heartbeat matches against the runs it works on, whether or not notifications arrive.
    public func cancelRequestedRuns() throws -> Set<String> {
        try read { database in
            let statement = try database.prepare(
                "SELECT id FROM runs WHERE status = 'RUNNING' AND cancel_requested = 1")
            var ids: Set<String> = []
            while try statement.step() { ids.insert(statement.text(0) ?? "") }
            return ids
        }
    }

    /// The cancel notification's payload, `{"run_id":"…"}` (run ids are short: far below 8,000 bytes).
    static func cancelPayload(runID: String) -> String {
        let escaped = runID.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"run_id":""# + escaped + #""}"#
    }
}
