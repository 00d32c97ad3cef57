import Dispatch
import Synchronization

/// The shared rate-limit state: one GCRA theoretical arrival time (TAT, seconds since 1970) per
/// (subject, policy) in `rate_limits`, so every node spends from the same quota.
///
/// Each operation is ONE statement, atomic on its row: two nodes spending at once are serialized
/// by the row lock of the upsert, so they cannot both take the last token.
///
/// Its own connection (opened on first use, reconnected by the connection itself): an acquire
/// runs inside the admission of a new run, i.e. while the catalog's write connection is in a
/// transaction, and must not wait for that connection.
///
/// `@unchecked Sendable`: the connection is touched only inside `sync` on `queue`.
public final class RateLimitStore: @unchecked Sendable {
    private let location: CatalogLocation
    private let queue = DispatchQueue(label: "backtestd.catalog.ratelimit")
    private var connection: (any CatalogConnection)?

    init(location: CatalogLocation) { self.location = location }

    /// What one acquire did: the TAT now stored and whether the request was allowed.
    public struct Spent: Sendable, Equatable {
        public let arrival: Double
        public let allowed: Bool
    }

    /// Spends one request of `key`/`policy` when GCRA allows it: the new TAT is the later of the
    /// stored one and `now`, plus `interval`; it is allowed (and stored) while it stays at or
    /// below `bound` (now + window + tolerance). A row that does not exist yet is a TAT of `now`.
    public func acquire(key: String, policy: String, now: Double, interval: Double, bound: Double) throws -> Spent {
        try use { database in
            let candidate = database.dialect.greatest("rate_limits.tat + CAST(? AS DOUBLE PRECISION)", "excluded.tat")
            // SET expressions all read the row as it was, so `allowed` and `tat` agree.
            let statement = try database.prepare(
                """
                INSERT INTO rate_limits (subject, policy, tat, allowed)
                VALUES (?, ?, CAST(? AS DOUBLE PRECISION), 1)
                ON CONFLICT (subject, policy) DO UPDATE SET
                    allowed = CASE WHEN \(candidate) <= CAST(? AS DOUBLE PRECISION) THEN 1 ELSE 0 END,
                    tat = CASE WHEN \(candidate) <= CAST(? AS DOUBLE PRECISION) THEN \(candidate)
                        ELSE rate_limits.tat END
                RETURNING tat, allowed
                """
            ).bind(
                .text(key), .text(policy), .real(now + interval), .real(interval), .real(bound), .real(interval),
                .real(bound), .real(interval))
            guard try statement.step() else { throw SQLiteError(message: "the rate-limit upsert returned no row") }
            return Spent(arrival: statement.double(0), allowed: statement.int(1) == 1)
        }
    }

    /// Gives one request back: the TAT moves back by `interval` (a TAT in the past counts as now,
    /// exactly as a missing row does). Nothing when the subject holds no state.
    public func refund(key: String, policy: String, interval: Double) throws {
        try use { database in
            try database.prepare(
                "UPDATE rate_limits SET tat = tat - CAST(? AS DOUBLE PRECISION) WHERE subject = ? AND policy = ?"
            ).bind(.real(interval), .text(key), .text(policy)).run()
        }
    }

    /// The stored TAT, if any.
    public func arrival(key: String, policy: String) throws -> Double? {
        try use { database in
            let statement = try database.prepare("SELECT tat FROM rate_limits WHERE subject = ? AND policy = ?")
                .bind(.text(key), .text(policy))
            return try statement.step() ? statement.double(0) : nil
        }
    }

    /// Deletes the rows whose TAT is before `before` (they hold nothing); returns how many.
    @discardableResult
    public func prune(before: Double) throws -> Int {
        try use { database in
            try database.prepare("DELETE FROM rate_limits WHERE tat < CAST(? AS DOUBLE PRECISION)")
                .bind(.real(before)).run()
            return database.changes
        }
    }

    private func use<T>(_ body: (any CatalogConnection) throws -> T) throws -> T {
        try queue.sync {
            let database: any CatalogConnection
            if let connection {
                database = connection
            } else {
                switch location {
                case .sqlite(let path): database = try Database(path: path)
                case .postgres(let url): database = try PostgresConnection(url: url)
                }
                connection = database
            }
            defer { database.releaseStatements() }
            return try body(database)
        }
    }
}

extension Catalog {
    /// A store of rate-limit state in this catalog, on a connection of its own.
    public func rateLimitStore() -> RateLimitStore { RateLimitStore(location: location) }
}
