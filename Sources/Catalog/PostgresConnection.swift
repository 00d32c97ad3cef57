import CLibPQ

/// One PostgreSQL connection over libpq. Not `Sendable`: like SQLite's `Database` it is owned
/// by one serial queue (see `Catalog`), and every call blocks that queue until the server answers.
final class PostgresConnection: CatalogConnection {
    private var handle: OpaquePointer?
    private let url: String
    /// Server-side prepared statements, one per SQL text, named `bt_<n>`.
    private var statements: [String: PostgresStatement] = [:]
    private var inUse: [PostgresStatement] = []
    private var nextName = 0
    /// Set by the last statement that ran (`PQcmdTuples`).
    var lastChanges = 0

    var dialect: SQLDialect { .postgres }
    var changes: Int { lastChanges }

    /// Connects to `url` (a libpq connection URI, `postgres://user@host:port/db?…`).
    init(url: String) throws(PostgresError) {
        self.url = url
        handle = PQconnectdb(url)
        try checkConnected()
        try configure()
    }

    deinit {
        statements.removeAll()
        inUse.removeAll()
        PQfinish(handle)
    }

    /// The connection's own settings: UTF-8 both ways, UTC, and server notices kept off stderr.
    private func configure() throws(PostgresError) {
        try execute("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'; SET client_min_messages = warning")
    }

    private func checkConnected() throws(PostgresError) {
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? "cannot connect"
            throw PostgresError(
                sqlState: "08001", message: message.trimmingCharacters(in: .whitespacesAndNewlines), sql: nil)
        }
    }

    /// A dropped connection (the server restarted, a network blip) is re-established before the
    /// next call; its prepared statements died with it. A call that was under way when it dropped
    /// has already failed with `catalog.unavailable`.
    private func reconnectIfNeeded() throws(PostgresError) {
        guard let handle, PQstatus(handle) != CONNECTION_OK else { return }
        statements.removeAll()
        inUse.removeAll()
        PQreset(handle)
        try checkConnected()
        try configure()
    }

    /// Runs one or more statements (the simple query protocol) without parameters.
    func execute(_ sql: String) throws(PostgresError) {
        try reconnectIfNeeded()
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Throws the error a result carries unless it succeeded.
    func check(_ result: OpaquePointer?, sql: String) throws(PostgresError) {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw PostgresError(result: result, connection: handle, sql: sql)
        }
    }

    func prepare(_ sql: String) throws(PostgresError) -> any CatalogStatement {
        try reconnectIfNeeded()
        let statement: PostgresStatement
        if let cached = statements[sql] {
            statement = cached
        } else {
            nextName += 1
            let name = "bt_\(nextName)"
            let result = PQprepare(handle, name, Placeholders.numbered(sql), 0, nil)
            defer { PQclear(result) }
            try check(result, sql: sql)
            statement = PostgresStatement(connection: self, name: name, sql: sql)
            statements[sql] = statement
        }
        statement.clear()
        inUse.append(statement)
        return statement
    }

    /// Runs a prepared statement with its parameters; binary results.
    func run(
        name: String, sql: String, values: [UnsafePointer<CChar>?], lengths: [Int32], formats: [Int32]
    ) throws(PostgresError) -> OpaquePointer? {
        let result = PQexecPrepared(handle, name, Int32(values.count), values, lengths, formats, 1)
        do { try check(result, sql: sql) } catch {
            PQclear(result)
            throw error
        }
        lastChanges = result.flatMap { PQcmdTuples($0) }.flatMap { Int(String(cString: $0)) } ?? 0
        return result
    }

    func releaseStatements() {
        for statement in inUse { statement.clear() }
        inUse.removeAll(keepingCapacity: true)
    }

    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let result = try body()
            releaseStatements()
            // COMMIT of a transaction an error aborted (one the body caught) answers ROLLBACK.
            try reconnectIfNeeded()
            let commit = PQexec(handle, "COMMIT")
            defer { PQclear(commit) }
            try check(commit, sql: "COMMIT")
            if let tag = commit.flatMap({ PQcmdStatus($0) }), String(cString: tag) == "ROLLBACK" {
                throw PostgresError(sqlState: "40000", message: "the transaction was rolled back", sql: "COMMIT")
            }
            return result
        } catch {
            releaseStatements()
            try? execute("ROLLBACK")
            throw error
        }
    }
}
