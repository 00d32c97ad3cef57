/// Grid chunks: one grid run's variants split into contiguous index ranges that any node may
/// claim (`run_chunks`). A chunk is QUEUED, RUNNING under a lease like a run's (owner, expiry on
/// the database's clock, attempts), or DONE with its partial result (bytes the engine encodes).
/// Chunks are claimable only while their run is RUNNING; the run's claimer merges them.
public struct ChunkClaim: Sendable, Equatable {
    public var runID: String
    public var index: Int
    /// Variant indices of the chunk.
    public var range: Range<Int>
    public var owner: String
    /// The chunk's attempt number this claim set: with `owner`, the fence of `finishChunk`.
    public var attempt: Int

    public init(runID: String, index: Int, range: Range<Int>, owner: String, attempt: Int) {
        self.runID = runID
        self.index = index
        self.range = range
        self.owner = owner
        self.attempt = attempt
    }
}

/// Where a chunked run stands: its chunks, those DONE, and the variants they cover.
public struct ChunkTally: Sendable, Equatable {
    public var chunks = 0
    public var done = 0
    public var doneVariants = 0

    public init(chunks: Int = 0, done: Int = 0, doneVariants: Int = 0) {
        self.chunks = chunks
        self.done = done
        self.doneVariants = doneVariants
    }

    public var isComplete: Bool { chunks > 0 && done == chunks }
}

extension Catalog {
    /// Records a run's chunks (QUEUED). Idempotent: a run claimed again keeps the chunks already
    /// recorded, DONE ones included (their partials are deterministic), so a new claim redoes
    /// only what was lost. Their bounds stay those first recorded: a claimer whose
    /// `grid_chunk_bar_variants` differs (a rolling configuration change) adopts them rather than
    /// adding overlapping ranges.
    public func createChunks(runID: String, ranges: [Range<Int>]) throws {
        try write { database in
            try database.transaction {
                let existing = try database.prepare("SELECT COUNT(*) FROM run_chunks WHERE run_id = ?")
                    .bind(.text(runID))
                guard try existing.step(), existing.int(0) == 0 else { return }
                for (index, range) in ranges.enumerated() {
                    try database.prepare(
                        """
                        INSERT INTO run_chunks (run_id, idx, lo, hi, status, attempts) VALUES (?, ?, ?, ?, 'QUEUED', 0)
                        ON CONFLICT (run_id, idx) DO NOTHING
                        """
                    ).bind(.text(runID), .integer(index), .integer(range.lowerBound), .integer(range.upperBound)).run()
                }
            }
        }
    }

    /// Takes the first QUEUED chunk of a RUNNING run (of `runID` only, when given), in run then
    /// chunk order, under `lease`. PostgreSQL locks only the chunk row (`FOR UPDATE OF c SKIP
    /// LOCKED`): claimers on other nodes skip it, and the run's row stays free for its heartbeats.
    public func claimChunk(runID: String? = nil, lease: RunLease) throws -> ChunkClaim? {
        try write { database in
            try database.transaction {
                let lock = database.dialect == .postgres ? " FOR UPDATE OF c SKIP LOCKED" : ""
                let select = try database.prepare(
                    """
                    SELECT c.run_id, c.idx, c.lo, c.hi, c.attempts FROM run_chunks c JOIN runs r ON r.id = c.run_id
                    WHERE c.status = 'QUEUED' AND r.status = 'RUNNING'\(runID == nil ? "" : " AND c.run_id = ?")
                    ORDER BY r.ord, c.idx LIMIT 1\(lock)
                    """
                ).bind(runID.map { [.text($0)] } ?? [])
                guard try select.step() else { return nil }
                let claim = ChunkClaim(
                    runID: select.text(0) ?? "", index: select.int(1),
                    range: select.int(2)..<max(select.int(2), select.int(3)),
                    owner: lease.owner, attempt: select.int(4) + 1)
                try database.prepare(
                    """
                    UPDATE run_chunks SET status = 'RUNNING', lease_owner = ?,
                        lease_expires_at = \(database.dialect.nowMilliseconds) + ?, attempts = ?
                    WHERE run_id = ? AND idx = ?
                    """
                ).bind(
                    .text(lease.owner), .integer(lease.milliseconds), .integer(claim.attempt), .text(claim.runID),
                    .integer(claim.index)
                ).run()
                return claim
            }
        }
    }

    /// Stores a chunk's partial and marks it DONE, only under the claim that is still current (a
    /// node whose chunk lease was reaped meanwhile gets false and its work is dropped). Returns
    /// whether it was stored and the run's tally after it, read in the same transaction.
    public func finishChunk(_ claim: ChunkClaim, partial: [UInt8]) throws -> (stored: Bool, tally: ChunkTally) {
        try write { database in
            try database.transaction {
                try database.prepare(
                    """
                    UPDATE run_chunks SET status = 'DONE', partial = ?, lease_owner = NULL, lease_expires_at = NULL
                    WHERE run_id = ? AND idx = ? AND status = 'RUNNING' AND lease_owner = ? AND attempts = ?
                    """
                ).bind(
                    .blob(partial), .text(claim.runID), .integer(claim.index), .text(claim.owner),
                    .integer(claim.attempt)
                ).run()
                let stored = database.changes == 1
                return (stored, try Self.chunkTally(database, runID: claim.runID))
            }
        }
    }

    /// Gives a chunk back to the queue (its worker stopped: a cancel, a shutdown); the attempt it
    /// took does not count. Only under the current claim.
    public func releaseChunk(_ claim: ChunkClaim) throws {
        try write { database in
            try database.prepare(
                """
                UPDATE run_chunks SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL,
                    attempts = \(database.dialect.greatest("attempts - 1", "0"))
                WHERE run_id = ? AND idx = ? AND status = 'RUNNING' AND lease_owner = ? AND attempts = ?
                """
            ).bind(.text(claim.runID), .integer(claim.index), .text(claim.owner), .integer(claim.attempt)).run()
        }
    }

    public func chunkTally(runID: String) throws -> ChunkTally {
        try read { database in try Self.chunkTally(database, runID: runID) }
    }

    /// The partials of a run's DONE chunks, in chunk order.
    public func chunkPartials(runID: String) throws -> [[UInt8]] {
        try read { database in
            let statement = try database.prepare(
                "SELECT partial FROM run_chunks WHERE run_id = ? AND status = 'DONE' ORDER BY idx"
            ).bind(.text(runID))
            var partials: [[UInt8]] = []
            while try statement.step() { partials.append(statement.blob(0)) }
            return partials
        }
    }

    /// Drops a run's chunks once its result is stored (or it ended otherwise).
    /// Only a finished run's: a node whose claim was superseded (its lease lapsed and another
    /// node claimed the run) must not take the chunks from under the run's current claimer.
    public func deleteChunks(runID: String) throws {
        try write { database in
            try database.prepare(
                """
                DELETE FROM run_chunks WHERE run_id = ?
                    AND EXISTS (SELECT 1 FROM runs WHERE id = ? AND status IN ('DONE', 'ERROR', 'CANCELLED'))
                """
            ).bind(.text(runID), .text(runID)).run()
        }
    }

    static func chunkTally(_ database: any CatalogConnection, runID: String) throws -> ChunkTally {
        // Sums cast to BIGINT: PostgreSQL's SUM of a BIGINT is NUMERIC.
        let statement = try database.prepare(
            """
            SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN status = 'DONE' THEN 1 ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN status = 'DONE' THEN hi - lo ELSE 0 END), 0) AS BIGINT)
            FROM run_chunks WHERE run_id = ?
            """
        ).bind(.text(runID))
        guard try statement.step() else { return ChunkTally() }
        return ChunkTally(chunks: statement.int(0), done: statement.int(1), doneVariants: statement.int(2))
    }
}
