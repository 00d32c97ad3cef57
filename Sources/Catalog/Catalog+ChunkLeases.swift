/// Chunk leases ride on the run leases' machinery (`Catalog+Leases.swift`): the same heartbeat
/// renews them, the leader's sweep re-queues expired ones, a graceful shutdown and a start-up
/// recovery give them back. These run inside those operations' statements and transactions.
extension Catalog {
    static func renewChunkLeases(_ database: any CatalogConnection, _ lease: RunLease) throws -> Int {
        try database.prepare(
            "UPDATE run_chunks SET lease_expires_at = \(database.dialect.nowMilliseconds) + ? WHERE lease_owner = ? AND status = 'RUNNING'"
        ).bind(.integer(lease.milliseconds), .text(lease.owner)).run()
        return database.changes
    }

    /// RUNNING chunks whose lease expired go back to QUEUED (redone by whoever claims them next,
    /// deterministically); a chunk already claimed `maxAttempts` times ends its run as ERROR
    /// instead, like a run that kills every node taking it. Returns the runs' terminal events.
    static func reapExpiredChunks(
        _ database: any CatalogConnection, at timestamp: String, maxAttempts: Int, failedData: (Int) -> String,
        failedMessage: (Int) -> String
    ) throws -> [EventRecord] {
        let statement = try database.prepare(
            """
            SELECT run_id, idx, attempts FROM run_chunks WHERE status = 'RUNNING'
            AND (lease_expires_at IS NULL OR lease_expires_at < \(database.dialect.nowMilliseconds))
            ORDER BY run_id, idx\(database.dialect.claimLock)
            """)
        var found: [(runID: String, index: Int, attempts: Int)] = []
        while try statement.step() { found.append((statement.text(0) ?? "", statement.int(1), statement.int(2))) }
        var failed: [EventRecord] = []
        for chunk in found {
            try database.prepare(
                """
                UPDATE run_chunks SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL
                WHERE run_id = ? AND idx = ?
                """
            ).bind(.text(chunk.runID), .integer(chunk.index)).run()
            guard chunk.attempts >= maxAttempts,
                let run = try fetchRun(database, where: "id = ?", .text(chunk.runID)), run.status == .running
            else { continue }
            failed.append(
                try endOrRequeue(
                    database, id: run.id, attempts: chunk.attempts, at: timestamp, maxAttempts: maxAttempts,
                    requeuedData: "", failedData: failedData, failedMessage: failedMessage))
        }
        return failed
    }

    /// Every RUNNING chunk `owner` holds (all of them when nil: SQLite's single node at start-up)
    /// back to QUEUED.
    static func releaseChunkLeases(_ database: any CatalogConnection, owner: String?) throws {
        try database.prepare(
            "UPDATE run_chunks SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL WHERE status = 'RUNNING'"
                + (owner == nil ? "" : " AND lease_owner = ?")
        ).bind(owner.map { [.text($0)] } ?? []).run()
    }
}
