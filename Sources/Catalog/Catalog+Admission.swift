/// Runs: admission. A new run is stored once per input and per idempotency key of its owner,
/// within the queue's capacity and the owner's quota; the unique indexes have the last word.
extension Catalog {
    /// Inserts a QUEUED run with its first event, unless the same input or key exists, the queue
    /// already holds `queueCapacity` runs, the owner has `maxActive` runs QUEUED or RUNNING, or
    /// `admit` refuses. `admit` runs inside the transaction, after the checks that answer a replay,
    /// so a replay never spends what it guards (a rate limit), and a refusal stores nothing.
    public func insertRun(
        _ run: NewRun, queueCapacity: Int, maxActive: Int? = nil, admit: () -> Bool = { true }
    ) throws -> InsertOutcome {
        try durableWrite { database in
            try database.transaction {
                if let key = run.idempotencyKey,
                    let existing = try Self.fetchRun(
                        database, where: "owner = ? AND idempotency_key = ?", .text(run.owner), .text(key))
                {
                    return existing.inputHash == run.inputHash ? .existing(existing) : .keyReused(existing)
                }
                if let existing = try Self.fetchRun(
                    database, where: "owner = ? AND input_hash = ?", .text(run.owner), .text(run.inputHash))
                {
                    return .existing(existing)
                }
                let count = try database.prepare("SELECT COUNT(*) FROM runs WHERE status = 'QUEUED'")
                _ = try count.step()
                if count.int(0) >= queueCapacity { return .queueFull(queued: count.int(0)) }
                if let maxActive {
                    let active = try database.prepare(
                        "SELECT COUNT(*) FROM runs WHERE owner = ? AND status IN ('QUEUED', 'RUNNING')"
                    ).bind(.text(run.owner))
                    _ = try active.step()
                    if active.int(0) >= maxActive { return .quotaFull(active: active.int(0)) }
                }
                guard admit() else { return .notAdmitted }
                // The unique indexes decide, not the look-ups above: another node (PostgreSQL) may
                // have inserted the same input or key since; then nothing is inserted and its run
                // is the answer. RETURNING hands back the new row without a second round trip.
                let insert = try database.prepare(
                    """
                    INSERT INTO runs (id, owner, status, input_hash, idempotency_key, request, dataset_id, variants,
                                      engine_version, created_at, progress_total, spec_hash)
                    VALUES (?, ?, 'QUEUED', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    RETURNING \(Self.runColumns)
                    """
                ).bind(
                    .text(run.id), .text(run.owner), .text(run.inputHash), .optional(run.idempotencyKey),
                    .text(run.request),
                    .text(run.datasetID), .integer(run.variants), .text(run.engineVersion), .text(run.createdAt),
                    .integer(run.variants), .optional(run.specHash)
                )
                guard try insert.step() else { return try Self.conflictingRun(database, run) }
                let created = Self.runRecord(insert)
                // A new run's log is empty: its first event is seq 0.
                let event = try Self.insertEvent(
                    database,
                    EventRecord(
                        runID: run.id, seq: 0, type: "stage", timestamp: run.createdAt, data: run.queuedEventData))
                return .created(created, event)
            }
        }
    }

    /// The run an insert of `run` conflicted with: by key first, then by input.
    static func conflictingRun(_ database: any CatalogConnection, _ run: NewRun) throws -> InsertOutcome {
        if let key = run.idempotencyKey,
            let existing = try fetchRun(
                database, where: "owner = ? AND idempotency_key = ?", .text(run.owner), .text(key))
        {
            return existing.inputHash == run.inputHash ? .existing(existing) : .keyReused(existing)
        }
        if let existing = try fetchRun(
            database, where: "owner = ? AND input_hash = ?", .text(run.owner), .text(run.inputHash))
        {
            return .existing(existing)
        }
        throw SQLiteError(message: "a new run's id is already taken")
    }
}
