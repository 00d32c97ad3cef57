/// What a claim's write into its run found. A claim that lost its lease (its node was paused or
/// cut off past `lease_s`, and the leader re-queued the run) must stop writing: another claim
/// writes that run's log now, or already finished it.
public enum ClaimedEvent: Sendable, Equatable {
    case appended(EventRecord)
    /// The run no longer exists (deleted).
    case gone
    /// The run is no longer RUNNING under this claim.
    case superseded
}

extension Catalog {
    /// Appends one event to a run while `claim` still holds it, fenced like `finishRun`: a node
    /// whose lease was reaped writes nothing more into the run's log (its late events would land
    /// among the new claim's, or after the terminal event). The run's row is locked for the
    /// check and the insert, so the leader cannot re-queue it between the two.
    public func appendEvent(runID: String, type: String, timestamp: String, data: String, claim: RunClaim) throws
        -> ClaimedEvent
    {
        try write { database in
            try database.transaction {
                let current = try database.prepare(
                    "SELECT status, lease_owner, attempts FROM runs WHERE id = ?\(database.dialect.rowLock)"
                ).bind(.text(runID))
                guard try current.step() else { return .gone }
                guard current.text(0) == RunStatus.running.rawValue, current.text(1) == claim.owner,
                    current.int(2) == claim.attempt
                else { return .superseded }
                return .appended(
                    try Self.appendEvent(database, runID: runID, type: type, timestamp: timestamp, data: data))
            }
        }
    }

    /// Stores a run's progress while `claim` still holds it; false when it no longer does.
    public func updateProgress(runID: String, done: Int, total: Int, claim: RunClaim) throws -> Bool {
        try write { database in
            try database.prepare(
                """
                UPDATE runs SET progress_done = ?, progress_total = ?
                WHERE id = ? AND status = 'RUNNING' AND lease_owner = ? AND attempts = ?
                """
            ).bind(.integer(done), .integer(total), .text(runID), .text(claim.owner), .integer(claim.attempt)).run()
            return database.changes > 0
        }
    }
}
