/// What the catalog's SQL needs from a connection of either backend (SQLite's `Database`,
/// PostgreSQL's `PostgresConnection`). Every catalog operation is written once against this and
/// the dialect; a connection is owned by one serial queue, so none of these are `Sendable`.
protocol CatalogConnection: AnyObject {
    /// Which SQL spellings this connection needs where the two dialects differ.
    var dialect: SQLDialect { get }
    /// Runs one or more statements without parameters or results.
    func execute(_ sql: String) throws
    /// A prepared statement for `sql`, written with `?` placeholders; cached per SQL text.
    func prepare(_ sql: String) throws -> any CatalogStatement
    /// Ends the statements used since the last call (their results, their read snapshots).
    func releaseStatements()
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { get }
    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws (the
    /// first error is rethrown).
    func transaction<T>(_ body: () throws -> T) throws -> T
}

/// A prepared statement of either backend: bind, then step through the rows.
protocol CatalogStatement: AnyObject {
    /// Binds values to the `?` placeholders in order (replacing earlier bindings).
    @discardableResult
    func bind(_ values: [SQLValue]) throws -> any CatalogStatement
    /// Advances; true when a row is available.
    func step() throws -> Bool
    func isNull(_ column: Int32) -> Bool
    func int(_ column: Int32) -> Int
    func double(_ column: Int32) -> Double
    func text(_ column: Int32) -> String?
    func blob(_ column: Int32) -> [UInt8]
}

extension CatalogStatement {
    @discardableResult
    func bind(_ values: SQLValue...) throws -> any CatalogStatement { try bind(values) }

    /// Runs to completion, ignoring rows.
    func run() throws { while try step() {} }
}

extension CatalogConnection {
    /// The first column of the first row as text, if any.
    func scalarText(_ sql: String) throws -> String? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.text(0) : nil
    }
}

/// A value bound to a statement.
enum SQLValue {
    case null
    case integer(Int)
    case real(Double)
    case text(String)
    case blob([UInt8])

    static func optional(_ text: String?) -> SQLValue { text.map { .text($0) } ?? .null }
}

/// The few places where SQLite and PostgreSQL spell the same thing differently. Everything else
/// (`ON CONFLICT`, `RETURNING`, `COALESCE`, `CASE`, `LIMIT … OFFSET`) both accept as written.
enum SQLDialect: Sendable {
    case sqlite, postgres

    /// The larger of two values: SQLite's two-argument `MAX`, PostgreSQL's `GREATEST`.
    func greatest(_ first: String, _ second: String) -> String {
        switch self {
        case .sqlite: return "MAX(\(first), \(second))"
        case .postgres: return "GREATEST(\(first), \(second))"
        }
    }

    /// The database's clock as the service's timestamps spell it (`2026-01-01T00:00:00.000Z`).
    var nowTimestamp: String {
        switch self {
        case .sqlite: return "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        case .postgres: return #"to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#
        }
    }

    /// The database's clock in milliseconds since 1970: leases are compared with one clock, the
    /// database's, so nodes whose clocks disagree still agree on which lease has expired.
    var nowMilliseconds: String {
        switch self {
        case .sqlite: return "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)"
        case .postgres: return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
        }
    }

    /// No limit, before an `OFFSET` (SQLite requires a LIMIT there; PostgreSQL refuses a negative one).
    var unlimited: String {
        switch self {
        case .sqlite: return "LIMIT -1"
        case .postgres: return "LIMIT ALL"
        }
    }

    /// Appended to the claim's SELECT: PostgreSQL locks the claimed row and lets other nodes'
    /// claims skip it; SQLite has one writer, so the transaction already excludes everyone.
    var claimLock: String {
        switch self {
        case .sqlite: return ""
        case .postgres: return " FOR UPDATE SKIP LOCKED"
        }
    }

    /// Appended to a SELECT that checks a row before writing on its strength: PostgreSQL locks
    /// the row until the transaction ends; SQLite's one writer already excludes everyone.
    var rowLock: String {
        switch self {
        case .sqlite: return ""
        case .postgres: return " FOR UPDATE"
        }
    }
}

/// A failed catalog call of either backend: a stable code and the SQL, never bound values.
public protocol CatalogFailure: Error, Sendable, CustomStringConvertible {
    /// `catalog.busy`, `catalog.constraint`, `catalog.io`, `catalog.unavailable`, …
    var code: String { get }
    /// The statement that failed, when one did.
    var sql: String? { get }
    /// A unique, foreign-key, check or not-null constraint refused the write.
    var isConstraintViolation: Bool { get }
    /// The database's disk has no room left.
    var isDiskFull: Bool { get }
}
