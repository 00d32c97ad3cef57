import Dispatch
import Foundation

/// The SQLite catalog: runs (the work queue), their events and results, and datasets.
///
/// One write connection owned by a serial queue, one read connection owned by another
/// (WAL lets reads proceed during writes). Every call is synchronous and short.
///
/// `@unchecked Sendable`: each connection is touched only inside `sync` on its own serial queue.
public final class Catalog: @unchecked Sendable {
    private let writer: Database
    private let reader: Database
    private let writeQueue = DispatchQueue(label: "backtestd.catalog.write")
    private let readQueue = DispatchQueue(label: "backtestd.catalog.read")
    private let faults: CatalogFaults?
    private let durableCommits: Bool
    private let checkpointer: Checkpointer
    public let path: String

    /// Opens or creates the catalog at `path` and applies pending migrations. `durableCommits`
    /// fsyncs the commits that answer a client (see `durableWrite`); `faults` makes chosen
    /// writes fail (tests only).
    public init(path: String, durableCommits: Bool = true, faults: CatalogFaults? = nil) throws {
        self.path = path
        self.durableCommits = durableCommits
        self.faults = faults
        writer = try Database(path: path)
        try Migrations.apply(to: writer)
        writer.releaseStatements()
        try writer.execute("PRAGMA wal_autocheckpoint=0")
        reader = try Database(path: path)
        checkpointer = try Checkpointer(path: path)
    }

    /// Copies the WAL into the database file now (it happens every second anyway): the WAL's
    /// frames and how many of them the database file now holds.
    @discardableResult
    public func checkpoint() throws -> (walFrames: Int, copied: Int) { try checkpointer.checkpointNow() }

    /// The schema version in force.
    public func schemaVersion() throws -> Int {
        try read { database in
            let statement = try database.prepare("SELECT version FROM schema_version")
            return try statement.step() ? statement.int(0) : 0
        }
    }

    /// Runs `body` on the write connection; `label` names the call for fault injection.
    func write<T>(_ label: String = #function, _ body: (Database) throws -> T) throws -> T {
        try writeQueue.sync {
            try faults?.check(label)
            defer { writer.releaseStatements() }
            return try body(writer)
        }
    }

    /// A write whose commit answers a client: fsynced before it returns (`synchronous=FULL` for
    /// this transaction only), so what a 2xx promised survives power loss, not only a crash.
    func durableWrite<T>(_ label: String = #function, _ body: (Database) throws -> T) throws -> T {
        try write(label) { database in
            guard durableCommits else { return try body(database) }
            try database.execute("PRAGMA synchronous=FULL")
            defer { try? database.execute("PRAGMA synchronous=NORMAL") }
            return try body(database)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try readQueue.sync {
            defer { reader.releaseStatements() }
            return try body(reader)
        }
    }

    /// Whether a write transaction goes through (for readiness checks).
    public func isWritable() -> Bool {
        (try? write { database in try database.transaction { try database.execute("SELECT 1") } }) != nil
    }
}
