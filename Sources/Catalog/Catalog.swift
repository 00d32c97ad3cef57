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
    public let path: String

    /// Opens or creates the catalog at `path` and applies pending migrations.
    public init(path: String) throws {
        self.path = path
        writer = try Database(path: path)
        try Migrations.apply(to: writer)
        writer.releaseStatements()
        reader = try Database(path: path)
    }

    /// The schema version in force.
    public func schemaVersion() throws -> Int {
        try read { database in
            let statement = try database.prepare("SELECT version FROM schema_version")
            return try statement.step() ? statement.int(0) : 0
        }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try writeQueue.sync {
            defer { writer.releaseStatements() }
            return try body(writer)
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
