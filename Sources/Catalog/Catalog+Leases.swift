/// Leases: several nodes share one catalog, so a RUNNING run names the node working on it
/// (`lease_owner`) and until when (`lease_expires_at`, the database's clock). The owner renews
/// its leases while it works; one node at a time (the leader) re-queues runs whose lease
/// expired, so a node that died loses its runs to the others after one lease period.
public struct RunLease: Sendable, Equatable {
    /// The node holding the lease (`node_id`).
    public var owner: String
    /// How long a claim or a renewal holds.
    public var milliseconds: Int

    public init(owner: String, milliseconds: Int) {
        self.owner = owner
        self.milliseconds = milliseconds
    }
}

/// One claim of a run: the node and the attempt number the claim set. Only the current claim
/// may finish the run, so a node that lost its lease (paused, cut off) cannot finish it twice.
public struct RunClaim: Sendable, Equatable {
    public var owner: String
    public var attempt: Int

    public init(owner: String, attempt: Int) {
        self.owner = owner
        self.attempt = attempt
    }
}

extension Catalog {
    /// Extends every lease `lease.owner` holds on a RUNNING run; returns how many.
    @discardableResult
    public func renewLeases(_ lease: RunLease) throws -> Int {
        try write { database in
            try database.prepare(
                "UPDATE runs SET lease_expires_at = \(database.dialect.nowMilliseconds) + ? WHERE lease_owner = ? AND status = 'RUNNING'"
            ).bind(.integer(lease.milliseconds), .text(lease.owner)).run()
            return database.changes
        }
    }

    /// Whether this catalog's node leads (reaps expired leases). PostgreSQL: the session advisory
    /// lock `leaderLock`, taken if free and held by the write connection until it closes (a node
    /// that dies loses it with its connection; a reconnect has to win it again). SQLite: one node
    /// uses the catalog, so it always leads.
    ///
    /// `idleLimitMilliseconds`: once it leads, the server is told to end this session when it
    /// has been idle that long (`idle_session_timeout`, PostgreSQL 14 and later). A leader that
    /// freezes (SIGSTOP, a paused VM) keeps its connection, and so its lock: without the limit
    /// nobody else could lead, and no expired lease would be reaped until it thawed. A live
    /// leader writes on this connection at every heartbeat, well inside the limit.
    public func tryLead(idleLimitMilliseconds: Int? = nil) throws -> Bool {
        try write { database in
            guard database.dialect == .postgres else { return true }
            // Re-entrant locks stack, so the lock is asked for only when this session lacks it.
            let held = try database.prepare(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = 0 AND CAST(objid AS BIGINT) = ? AND objsubid = 1 AND granted"
            ).bind(.integer(Self.leaderLock))
            if try held.step(), held.int(0) > 0 { return true }
            let taken = try database.prepare("SELECT pg_try_advisory_lock(CAST(? AS BIGINT))")
                .bind(.integer(Self.leaderLock))
            guard try taken.step(), taken.int(0) == 1 else { return false }
            if let idleLimitMilliseconds {
                // Older servers lack the setting (and would refuse its name): there the row, and
                // the call, are skipped.
                let limit = try database.prepare(
                    """
                    SELECT set_config('idle_session_timeout', ?, false)
                    WHERE CAST(current_setting('server_version_num') AS INTEGER) >= 140000
                    """
                ).bind(.text(String(idleLimitMilliseconds)))
                _ = try limit.step()
            }
            return true
        }
    }

    /// Gives up leadership (a graceful shutdown), so another node takes over at its next tick.
    public func resign() throws {
        try write { database in
            guard database.dialect == .postgres else { return }
            try database.prepare("SELECT pg_advisory_unlock_all()").run()
        }
    }

    /// The leader's sweep: RUNNING runs whose lease expired (or that have none) go back to the
    /// queue with a `stage` event giving `requeuedData(owner)`, unless they were claimed
    /// `maxAttempts` times: those end as ERROR like a poison run at start-up. Rows another
    /// node is finishing right now are skipped (locked), never reaped twice.
    public func reapExpiredLeases(
        at timestamp: String, maxAttempts: Int, requeuedData: (String?) -> String, failedData: (Int) -> String,
        failedMessage: (Int) -> String
    ) throws -> Recovery {
        try write { database in
            try database.transaction {
                let statement = try database.prepare(
                    """
                    SELECT id, attempts, lease_owner FROM runs WHERE status = 'RUNNING'
                    AND (lease_expires_at IS NULL OR lease_expires_at < \(database.dialect.nowMilliseconds))
                    ORDER BY ord\(database.dialect.claimLock)
                    """)
                var found: [(id: String, attempts: Int, owner: String?)] = []
                while try statement.step() {
                    found.append((statement.text(0) ?? "", statement.int(1), statement.text(2)))
                }
                var recovery = Recovery()
                for run in found {
                    let event = try Self.endOrRequeue(
                        database, id: run.id, attempts: run.attempts, at: timestamp, maxAttempts: maxAttempts,
                        requeuedData: requeuedData(run.owner), failedData: failedData, failedMessage: failedMessage)
                    if event.type == "failed" { recovery.failed.append(event) } else { recovery.requeued.append(event) }
                }
                return recovery
            }
        }
    }

    /// A node shutting down gracefully hands its RUNNING runs back to the queue at once, each with
    /// `requeuedData` as its `stage` event (the executor has already given back the attempt with
    /// `releaseAttempt`: a shutdown is not the run's fault).
    public func releaseLeases(owner: String, at timestamp: String, requeuedData: String) throws -> [EventRecord] {
        try write { database in
            try database.transaction {
                let statement = try database.prepare(
                    "SELECT id FROM runs WHERE status = 'RUNNING' AND lease_owner = ? ORDER BY ord\(database.dialect.claimLock)"
                ).bind(.text(owner))
                var ids: [String] = []
                while try statement.step() { ids.append(statement.text(0) ?? "") }
                return try ids.map { id in
                    try database.prepare(
                        """
                        UPDATE runs SET status = 'QUEUED', started_at = NULL, progress_done = 0, lease_owner = NULL,
                            lease_expires_at = NULL
                        WHERE id = ?
                        """
                    ).bind(.text(id)).run()
                    return try Self.appendEvent(
                        database, runID: id, type: "stage", timestamp: timestamp, data: requeuedData)
                }
            }
        }
    }

    /// Ends a run interrupted on its `maxAttempts`-th claim as ERROR, or puts it back in the
    /// queue without a lease; returns the event recorded.
    static func endOrRequeue(
        _ database: any CatalogConnection, id: String, attempts: Int, at timestamp: String, maxAttempts: Int,
        requeuedData: String, failedData: (Int) -> String, failedMessage: (Int) -> String
    ) throws -> EventRecord {
        if attempts >= maxAttempts {
            try database.prepare(
                "UPDATE runs SET status = 'ERROR', finished_at = ?, error = ?, lease_expires_at = NULL WHERE id = ?"
            ).bind(.text(timestamp), .text(failedMessage(attempts)), .text(id)).run()
            return try appendEvent(
                database, runID: id, type: "failed", timestamp: timestamp, data: failedData(attempts))
        }
        try database.prepare(
            """
            UPDATE runs SET status = 'QUEUED', started_at = NULL, progress_done = 0, lease_owner = NULL,
                lease_expires_at = NULL
            WHERE id = ?
            """
        ).bind(.text(id)).run()
        return try appendEvent(database, runID: id, type: "stage", timestamp: timestamp, data: requeuedData)
    }

    /// The advisory lock key of the reaper's leadership ("btl" in ASCII; migrations use "btd").
    static let leaderLock = 0x62_74_6C
}
