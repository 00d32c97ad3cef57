/// Runs: the durable FIFO queue and its state transitions.
extension Catalog {
    static let runColumns = """
        id, owner, status, input_hash, idempotency_key, request, dataset_id, variants, engine_version, created_at,
        started_at, finished_at, progress_done, progress_total, error, grid, best, attempts, spec_hash
        """

    static func runRecord(_ s: any CatalogStatement) -> RunRecord {
        RunRecord(
            id: s.text(0) ?? "", owner: s.text(1) ?? "", status: RunStatus(rawValue: s.text(2) ?? "") ?? .error,
            inputHash: s.text(3) ?? "", idempotencyKey: s.text(4), request: s.text(5) ?? "{}",
            datasetID: s.text(6) ?? "",
            variants: s.int(7), engineVersion: s.text(8) ?? "", createdAt: s.text(9) ?? "", startedAt: s.text(10),
            finishedAt: s.text(11), progressDone: s.int(12), progressTotal: s.int(13), error: s.text(14),
            grid: s.text(15),
            best: s.text(16), attempts: s.int(17), specHash: s.text(18))
    }

    static func fetchRun(_ database: any CatalogConnection, where clause: String, _ values: SQLValue...) throws
        -> RunRecord?
    {
        let statement = try database.prepare("SELECT \(runColumns) FROM runs WHERE \(clause)").bind(values)
        return try statement.step() ? runRecord(statement) : nil
    }

    /// Takes the oldest QUEUED run, marks it RUNNING and records the event (FIFO, crash-safe:
    /// the queue is this table).
    /// `lease`: the claiming node and how long its lease holds before it must renew it.
    public func claimNextQueued(
        at timestamp: String, lease: RunLease = RunLease(owner: "local", milliseconds: 30_000),
        eventData: (RunRecord) -> String
    ) throws -> (RunRecord, EventRecord)? {
        try write { database in
            try database.transaction {
                guard
                    let run = try Self.fetchRun(
                        database, where: "status = 'QUEUED' ORDER BY ord LIMIT 1" + database.dialect.claimLock)
                else {
                    return nil
                }
                try database.prepare(
                    """
                    UPDATE runs SET status = 'RUNNING', started_at = ?, attempts = attempts + 1, lease_owner = ?,
                        lease_expires_at = \(database.dialect.nowMilliseconds) + ?
                    WHERE id = ?
                    """
                )
                .bind(.text(timestamp), .text(lease.owner), .integer(lease.milliseconds), .text(run.id)).run()
                let event = try Self.appendEvent(
                    database, runID: run.id, type: "stage", timestamp: timestamp, data: eventData(run))
                guard let updated = try Self.fetchRun(database, where: "id = ?", .text(run.id)) else { return nil }
                return (updated, event)
            }
        }
    }

    /// What start-up did with the runs a crash left RUNNING.
    public struct Recovery: Sendable {
        /// Back in the queue, each with its event.
        public var requeued: [EventRecord] = []
        /// Ended as ERROR because they had been claimed `maxAttempts` times, each with its terminal event.
        public var failed: [EventRecord] = []
    }

    /// Runs left RUNNING by a crash go back to QUEUED, each with an event saying so, unless they
    /// were already claimed `maxAttempts` times: those end as ERROR with `failedData(attempts)` as
    /// their terminal event and `failedMessage(attempts)` as their error. `leaseOwner` limits it
    /// to the runs that node held (a shared catalog: other nodes' runs are alive or the reaper's).
    public func recoverInterrupted(
        at timestamp: String, maxAttempts: Int, leaseOwner: String? = nil, requeuedData: String,
        failedData: (Int) -> String, failedMessage: (Int) -> String
    ) throws -> Recovery {
        try write { database in
            try database.transaction {
                let statement = try database.prepare(
                    "SELECT id, attempts FROM runs WHERE status = 'RUNNING'"
                        + (leaseOwner == nil ? "" : " AND lease_owner = ?") + " ORDER BY ord"
                ).bind(leaseOwner.map { [.text($0)] } ?? [])
                var found: [(String, Int)] = []
                while try statement.step() { found.append((statement.text(0) ?? "", statement.int(1))) }
                try Self.releaseChunkLeases(database, owner: leaseOwner)
                var recovery = Recovery()
                for (id, attempts) in found {
                    let event = try Self.endOrRequeue(
                        database, id: id, attempts: attempts, at: timestamp, maxAttempts: maxAttempts,
                        requeuedData: requeuedData, failedData: failedData, failedMessage: failedMessage)
                    if event.type == "failed" { recovery.failed.append(event) } else { recovery.requeued.append(event) }
                }
                return recovery
            }
        }
    }

    /// A run stopped by a graceful shutdown was not at fault: its claim does not count as an attempt.
    public func releaseAttempt(runID: String) throws {
        try write { database in
            try database.prepare(
                "UPDATE runs SET attempts = \(database.dialect.greatest("attempts - 1", "0")) WHERE id = ? AND status = 'RUNNING'"
            ).bind(.text(runID)).run()
        }
    }

    public func updateProgress(runID: String, done: Int, total: Int) throws {
        try write { database in
            try database.prepare("UPDATE runs SET progress_done = ?, progress_total = ? WHERE id = ?")
                .bind(.integer(done), .integer(total), .text(runID)).run()
        }
    }

    /// Moves a RUNNING (or QUEUED) run to a final state with its results and terminal event, atomically.
    /// Returns nil when the run is gone or already finished. `chainLink`, the run's artifact
    /// manifest, is recorded in the same transaction, so the chain head and DONE always agree;
    /// so are `artifactFiles` (a shared catalog keeps the files themselves, see docs/scaling.md).
    public func finishRun(
        id: String, status: RunStatus, at timestamp: String, error: String?, grid: String?, best: String?,
        results: [ResultRow], eventType: String, eventData: String, chainLink: ChainRecord? = nil,
        artifactFiles: [ArtifactFile] = [], claim: RunClaim? = nil
    ) throws -> EventRecord? {
        try write { database in
            try database.transaction {
                guard let run = try Self.fetchRun(database, where: "id = ?", .text(id)), !run.status.isFinished else {
                    return nil
                }
                try database.prepare(
                    """
                    UPDATE runs SET status = ?, finished_at = ?, error = ?, grid = ?, best = ?,
                        progress_done = CASE WHEN ? = 'DONE' THEN progress_total ELSE progress_done END
                    WHERE id = ?\(claim == nil
                        ? " AND status IN ('QUEUED', 'RUNNING')"
                        : " AND status = 'RUNNING' AND lease_owner = ? AND attempts = ?")
                    """
                ).bind(
                    [
                        .text(status.rawValue), .text(timestamp), .optional(error), .optional(grid), .optional(best),
                        .text(status.rawValue), .text(id),
                    ] + (claim.map { [.text($0.owner), .integer($0.attempt)] } ?? [])
                ).run()
                // Another claim holds the run now (this node's lease expired and was reaped), or
                // another node finished it meanwhile: the status test is evaluated again after a
                // concurrent writer commits (PostgreSQL, READ COMMITTED), so one terminal event.
                guard database.changes > 0 else { return nil }
                let insert = try database.prepare(
                    "INSERT INTO results (run_id, rank, variant_key, body) VALUES (?, ?, ?, ?)")
                for row in results {
                    try insert.bind(.text(id), .integer(row.rank), .text(row.variantKey), .text(row.body)).run()
                }
                if let chainLink { try Self.insertChainLink(database, chainLink) }
                try Self.insertArtifactFiles(database, runID: id, artifactFiles)
                return try Self.appendEvent(database, runID: id, type: eventType, timestamp: timestamp, data: eventData)
            }
        }
    }

    public func run(id: String, owner: String) throws -> RunRecord? {
        try run(id: id, scope: .only(owner))
    }

    public func run(id: String, scope: OwnerScope) throws -> RunRecord? {
        let (condition, values) = scope.condition()
        return try read { database in
            let statement = try database.prepare("SELECT \(Self.runColumns) FROM runs WHERE id = ? AND \(condition)")
                .bind([.text(id)] + values)
            return try statement.step() ? Self.runRecord(statement) : nil
        }
    }

    /// A page of runs, newest first unless `ascending`, with the total count.
    public func listRuns(owner: String, status: RunStatus?, limit: Int, offset: Int, ascending: Bool) throws -> (
        [RunRecord], Int
    ) {
        try listRuns(scope: .only(owner), status: status, limit: limit, offset: offset, ascending: ascending)
    }

    /// A page of the runs `scope` sees, newest first unless `ascending`, with the total count.
    public func listRuns(scope: OwnerScope, status: RunStatus?, limit: Int, offset: Int, ascending: Bool) throws -> (
        [RunRecord], Int
    ) {
        let (condition, scopeValues) = scope.condition()
        return try read { database in
            let filter = status == nil ? condition : condition + " AND status = ?"
            var values = scopeValues
            if let status { values.append(.text(status.rawValue)) }
            let count = try database.prepare("SELECT COUNT(*) FROM runs WHERE \(filter)").bind(values)
            _ = try count.step()
            let total = count.int(0)
            let page = try database.prepare(
                "SELECT \(Self.runColumns) FROM runs WHERE \(filter) ORDER BY ord \(ascending ? "ASC" : "DESC") LIMIT ? OFFSET ?"
            ).bind(values + [.integer(limit), .integer(offset)])
            var runs: [RunRecord] = []
            while try page.step() { runs.append(Self.runRecord(page)) }
            return (runs, total)
        }
    }

    /// Deletes a run with its events, results and catalog-held artifact files; its artifact chain
    /// link stays as a tombstone.
    @discardableResult
    public func deleteRun(id: String, owner: String) throws -> Bool {
        try write { database in
            try database.transaction {
                try database.prepare("DELETE FROM runs WHERE id = ? AND owner = ?").bind(.text(id), .text(owner))
                    .run()
                guard database.changes > 0 else { return false }
                try Self.tombstoneChainLinks(database, runIDs: [id])
                return true
            }
        }
    }

    /// Keeps the newest `keep` finished runs; returns the ids removed.
    public func applyRetention(keep: Int) throws -> [String] {
        try write { database in
            try database.transaction {
                let statement = try database.prepare(
                    "SELECT id FROM runs WHERE status IN ('DONE', 'ERROR', 'CANCELLED') ORDER BY ord DESC \(database.dialect.unlimited) OFFSET ?"
                ).bind(.integer(keep))
                var ids: [String] = []
                while try statement.step() { ids.append(statement.text(0) ?? "") }
                let delete = try database.prepare("DELETE FROM runs WHERE id = ?")
                for id in ids { try delete.bind(.text(id)).run() }
                try Self.tombstoneChainLinks(database, runIDs: ids)
                return ids
            }
        }
    }

    /// Ranked results of a run, best first.
    public func results(runID: String, limit: Int) throws -> [ResultRow] {
        try read { database in
            let statement = try database.prepare(
                "SELECT rank, variant_key, body FROM results WHERE run_id = ? ORDER BY rank LIMIT ?"
            ).bind(.text(runID), .integer(limit))
            var rows: [ResultRow] = []
            while try statement.step() {
                rows.append(
                    ResultRow(
                        rank: statement.int(0), variantKey: statement.text(1) ?? "", body: statement.text(2) ?? "{}"))
            }
            return rows
        }
    }
}

extension Catalog {
    /// How many runs the catalog holds in each state (states without runs are absent).
    public func runCounts() throws -> [RunStatus: Int] {
        try read { database in
            let statement = try database.prepare("SELECT status, COUNT(*) FROM runs GROUP BY status")
            var counts: [RunStatus: Int] = [:]
            while try statement.step() {
                if let status = RunStatus(rawValue: statement.text(0) ?? "") { counts[status] = statement.int(1) }
            }
            return counts
        }
    }
}
