import Dispatch

/// Copies the WAL back into the database file in the background. SQLite's automatic checkpoint
/// runs inside the commit that crosses its threshold, so one large commit (a multi-million-bar
/// dataset) would also pay for copying everything before it while its client waits. The write
/// connection has it turned off; this connection checkpoints on its own queue once a second
/// (`PASSIVE`: it never blocks writers or readers, and does nothing when the WAL holds nothing new).
///
/// `@unchecked Sendable`: the connection is touched only on `queue`.
final class Checkpointer: @unchecked Sendable {
    private let database: Database
    private let queue = DispatchQueue(label: "backtestd.catalog.checkpoint")
    private let timer: DispatchSourceTimer

    init(path: String, everySeconds: Double = 1) throws {
        database = try Database(path: path)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + everySeconds, repeating: everySeconds, leeway: .milliseconds(100))
        timer.setEventHandler { [database] in
            // A failed checkpoint loses nothing (the WAL keeps the commits); the next tick retries.
            try? database.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
        timer.resume()
    }

    /// Checkpoints now and waits: the WAL's frames and how many of them are now in the database file.
    func checkpointNow() throws -> (walFrames: Int, copied: Int) {
        try queue.sync {
            defer { database.releaseStatements() }
            let statement = try database.prepare("PRAGMA wal_checkpoint(PASSIVE)")
            guard try statement.step() else { return (0, 0) }
            return (statement.int(1), statement.int(2))
        }
    }

    deinit { timer.cancel() }
}
