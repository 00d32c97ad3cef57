import CSQLite
import Foundation

/// One SQLite connection. Not `Sendable`: it is owned by one serial queue (see `Catalog`).
final class Database: CatalogConnection {
    var dialect: SQLDialect { .sqlite }
    private(set) var handle: OpaquePointer?
    /// Prepared once per SQL text; reset after every catalog call (`releaseStatements`) so no
    /// statement keeps a read snapshot open.
    private var statements: [String: Statement] = [:]
    private var inUse: [Statement] = []

    /// Opens (creating if needed) `path` in WAL mode with `synchronous=NORMAL`, foreign keys on
    /// and a bounded busy timeout (never a busy handler that retries forever).
    init(path: String, readOnly: Bool = false, busyTimeoutMilliseconds: Int32 = 5000) throws(SQLiteError) {
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        var connection: OpaquePointer?
        let status = sqlite3_open_v2(path, &connection, flags, nil)
        guard status == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open database"
            sqlite3_close_v2(connection)
            throw SQLiteError(resultCode: status, message: message, sql: nil)
        }
        handle = connection
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
        if !readOnly {
            let pragma = try prepareStatement("PRAGMA journal_mode=WAL")
            let mode = try pragma.step() ? pragma.text(0) : nil
            guard mode?.lowercased() == "wal" else {
                throw SQLiteError(message: "journal_mode=WAL was refused (got \(mode ?? "nothing"))")
            }
        }
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        statements.removeAll()
        inUse.removeAll()
        sqlite3_close_v2(handle)
    }

    func error(_ status: Int32, sql: String?) -> SQLiteError {
        SQLiteError(
            resultCode: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "error"
            sqlite3_free(message)
            throw SQLiteError(resultCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    func prepare(_ sql: String) throws(SQLiteError) -> any CatalogStatement { try prepareStatement(sql) }

    private func prepareStatement(_ sql: String) throws(SQLiteError) -> Statement {
        let statement: Statement
        if let cached = statements[sql] {
            statement = cached
        } else {
            statement = try Statement(database: self, sql: sql)
            statements[sql] = statement
        }
        statement.reset()
        inUse.append(statement)
        return statement
    }

    /// Resets every statement used since the last call, ending their read transactions.
    func releaseStatements() {
        for statement in inUse { statement.reset() }
        inUse.removeAll(keepingCapacity: true)
    }

    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws
    /// (the first error is rethrown).
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            releaseStatements()
            try execute("COMMIT")
            return result
        } catch {
            releaseStatements()
            try? execute("ROLLBACK")
            throw error
        }
    }
}
