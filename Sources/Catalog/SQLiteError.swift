import CSQLite

/// A failed SQLite call: a stable code, the extended result code and the SQL — never bound values.
public struct SQLiteError: CatalogFailure, Equatable {
    /// `catalog.busy`, `catalog.constraint`, `catalog.io`, `catalog.sqlite`, …
    public let code: String
    public let resultCode: Int32
    public let message: String
    public let sql: String?

    init(resultCode: Int32, message: String, sql: String?) {
        self.resultCode = resultCode
        self.message = message
        self.sql = sql
        switch resultCode & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED: code = "catalog.busy"
        case SQLITE_CONSTRAINT: code = "catalog.constraint"
        case SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN: code = "catalog.io"
        case SQLITE_CORRUPT, SQLITE_NOTADB: code = "catalog.corrupt"
        default: code = "catalog.sqlite"
        }
    }

    init(message: String) {
        code = "catalog.invalid"
        resultCode = SQLITE_MISUSE
        self.message = message
        sql = nil
    }

    public var isConstraintViolation: Bool { resultCode & 0xFF == SQLITE_CONSTRAINT }

    /// The database or its disk has no room left (SQLITE_FULL).
    public var isDiskFull: Bool { resultCode & 0xFF == SQLITE_FULL }

    public var description: String {
        "\(code) (\(resultCode)): \(message)" + (sql.map { " in: \($0)" } ?? "")
    }
}
