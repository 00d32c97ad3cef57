import Dispatch
import Foundation
import Synchronization

/// The catalog: runs (the work queue), their events and results, datasets, keys, presets and the
/// artifact chain, on SQLite (embedded, the default) or PostgreSQL (shared by many nodes).
///
/// Every operation is written once against `CatalogConnection` and `SQLDialect`. One write
/// connection owned by a serial queue, read connections owned by others (SQLite: one, WAL lets
/// it read during writes; PostgreSQL: a small pool). Every call is synchronous and short.
///
/// `@unchecked Sendable`: each connection is touched only inside `sync` on its own serial queue.
public final class Catalog: @unchecked Sendable {
    private let writer: any CatalogConnection
    private let readers: [(connection: any CatalogConnection, queue: DispatchQueue)]
    private let nextReader = Atomic<Int>(0)
    private let writeQueue = DispatchQueue(label: "backtestd.catalog.write")
    private let faults: CatalogFaults?
    private let durableCommits: Bool
    private let checkpointer: Checkpointer?
    /// SQLite on a file: where the datasets' bars live (`DatasetBarFiles`); nil keeps them inline.
    let barFiles: DatasetBarFiles?
    /// Where it lives (printable: a PostgreSQL password is redacted by `description`).
    public let location: CatalogLocation

    /// Opens or creates the SQLite catalog at `path` (see `init(location:…)`).
    public convenience init(path: String, durableCommits: Bool = true, faults: CatalogFaults? = nil) throws {
        try self.init(location: .sqlite(path: path), durableCommits: durableCommits, faults: faults)
    }

    /// Opens the catalog at `location` and applies pending migrations. `durableCommits` fsyncs the
    /// SQLite commits that answer a client (see `durableWrite`; PostgreSQL commits are durable as
    /// configured on the server); `faults` makes chosen writes fail (tests only). `readConnections`
    /// sizes PostgreSQL's read pool.
    public init(
        location: CatalogLocation, durableCommits: Bool = true, faults: CatalogFaults? = nil, readConnections: Int = 2
    ) throws {
        self.location = location
        self.durableCommits = durableCommits
        self.faults = faults
        switch location {
        case .sqlite(let path):
            let writer = try Database(path: path)
            try Migrations.apply(to: writer)
            writer.releaseStatements()
            try writer.execute("PRAGMA wal_autocheckpoint=0")
            self.writer = writer
            readers = [(try Database(path: path), DispatchQueue(label: "backtestd.catalog.read"))]
            checkpointer = try Checkpointer(path: path)
            let barFiles = DatasetBarFiles(catalogPath: path)
            self.barFiles = barFiles
            // Best effort: an orphan left now costs disk space, not correctness.
            if let barFiles { _ = try? Self.sweepOrphanBarFiles(writer, barFiles) }
        case .postgres(let url):
            let writer = try PostgresConnection(url: url)
            try Migrations.apply(to: writer)
            writer.releaseStatements()
            self.writer = writer
            readers = try (0..<max(1, readConnections)).map { index in
                (try PostgresConnection(url: url), DispatchQueue(label: "backtestd.catalog.read.\(index)"))
            }
            checkpointer = nil
            barFiles = nil
        }
    }

    /// Whether other nodes may use this catalog too (PostgreSQL): runs are then leased.
    public var isShared: Bool {
        if case .postgres = location { return true }
        return false
    }

    /// SQLite: copies the WAL into the database file now (it happens every second anyway): the
    /// WAL's frames and how many of them the database file now holds. PostgreSQL: (0, 0), the
    /// server checkpoints on its own.
    @discardableResult
    public func checkpoint() throws -> (walFrames: Int, copied: Int) { try checkpointer?.checkpointNow() ?? (0, 0) }

    /// The schema version in force.
    public func schemaVersion() throws -> Int {
        try read { database in
            let statement = try database.prepare("SELECT version FROM schema_version")
            return try statement.step() ? statement.int(0) : 0
        }
    }

    /// Runs `body` on the write connection; `label` names the call for fault injection.
    func write<T>(_ label: String = #function, _ body: (any CatalogConnection) throws -> T) throws -> T {
        try writeQueue.sync {
            try faults?.check(label)
            defer { writer.releaseStatements() }
            return try body(writer)
        }
    }

    /// A write whose commit answers a client: fsynced before it returns (SQLite: `synchronous=FULL`
    /// for this transaction only), so what a 2xx promised survives power loss, not only a crash.
    func durableWrite<T>(_ label: String = #function, _ body: (any CatalogConnection) throws -> T) throws -> T {
        try write(label) { database in
            guard durableCommits, database.dialect == .sqlite else { return try body(database) }
            try database.execute("PRAGMA synchronous=FULL")
            defer { try? database.execute("PRAGMA synchronous=NORMAL") }
            return try body(database)
        }
    }

    /// Runs `body` on a read connection (round robin over the pool).
    func read<T>(_ body: (any CatalogConnection) throws -> T) throws -> T {
        let index = nextReader.add(1, ordering: .relaxed).oldValue
        let reader = readers[(index % readers.count + readers.count) % readers.count]
        return try reader.queue.sync {
            defer { reader.connection.releaseStatements() }
            return try body(reader.connection)
        }
    }

    /// Whether a write transaction goes through (for readiness checks).
    public func isWritable() -> Bool {
        (try? write { database in try database.transaction { try database.execute("SELECT 1") } }) != nil
    }
}
