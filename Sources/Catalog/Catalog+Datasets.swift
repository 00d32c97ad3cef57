import CSQLite

/// Datasets: metadata plus the bars as one blob, idempotent by content hash, symbol and timeframe.
extension Catalog {
    static let datasetColumns = "id, owner, symbol, timeframe, rows, first_ms, last_ms, sha256, created_at"

    static func datasetRecord(_ s: any CatalogStatement) -> DatasetRecord {
        DatasetRecord(
            id: s.text(0) ?? "", owner: s.text(1) ?? "", symbol: s.text(2) ?? "", timeframe: s.text(3) ?? "",
            rows: s.int(4),
            firstMilliseconds: Int64(s.int(5)), lastMilliseconds: Int64(s.int(6)), sha256: s.text(7) ?? "",
            createdAt: s.text(8) ?? "")
    }

    /// Stores a dataset unless one with the same content hash, symbol and timeframe exists; returns
    /// the stored one and whether it is new. A SQLite catalog on a file writes the bars to their
    /// file first (`DatasetBarFiles`) and the row with an empty blob: the row commits only once its
    /// file is durable, and a failure leaves no file that no row owns.
    public func insertDataset(_ record: DatasetRecord, bars: [UInt8]) throws -> (DatasetRecord, created: Bool) {
        try durableWrite { database in
            var wroteFile = false
            do {
                return try database.transaction {
                    let existing = try database.prepare(
                        "SELECT \(Self.datasetColumns) FROM datasets WHERE owner = ? AND sha256 = ? AND symbol = ? AND timeframe = ?"
                    ).bind(.text(record.owner), .text(record.sha256), .text(record.symbol), .text(record.timeframe))
                    if try existing.step() { return (Self.datasetRecord(existing), false) }
                    var inline = bars
                    if let barFiles, database.dialect == .sqlite {
                        // Another dataset's file must never be overwritten, even by a doomed insert.
                        guard try !Self.datasetExists(database, id: record.id) else {
                            throw SQLiteError(
                                resultCode: SQLITE_CONSTRAINT, message: "a dataset with this id exists", sql: nil)
                        }
                        try barFiles.write(bars, id: record.id)
                        wroteFile = true
                        inline = []
                    }
                    try database.prepare(
                        """
                        INSERT INTO datasets (id, owner, symbol, timeframe, rows, first_ms, last_ms, sha256, created_at, ord, bars)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(ord) + 1, 0) FROM datasets), ?)
                        """
                    ).bind(
                        .text(record.id), .text(record.owner), .text(record.symbol), .text(record.timeframe),
                        .integer(record.rows),
                        .integer(Int(record.firstMilliseconds)), .integer(Int(record.lastMilliseconds)),
                        .text(record.sha256),
                        .text(record.createdAt), .blob(inline)
                    ).run()
                    return (record, true)
                }
            } catch {
                // The row did not commit (unless the failure came after it did: then keep its file).
                if wroteFile, let barFiles, (try? Self.datasetExists(database, id: record.id)) == false {
                    barFiles.remove(id: record.id)
                }
                throw error
            }
        }
    }

    static func datasetExists(_ database: any CatalogConnection, id: String) throws -> Bool {
        let statement = try database.prepare("SELECT 1 FROM datasets WHERE id = ?").bind(.text(id))
        return try statement.step()
    }

    /// Removes bars files no row owns (see `DatasetBarFiles.sweep`), inside a write transaction so
    /// that it never races an insert of another process on the same catalog (`backtestd keys`).
    @discardableResult
    static func sweepOrphanBarFiles(_ database: any CatalogConnection, _ barFiles: DatasetBarFiles) throws -> Int {
        defer { database.releaseStatements() }
        return try database.transaction {
            try barFiles.sweep { id in try datasetExists(database, id: id) }
        }
    }

    public func dataset(id: String, owner: String) throws -> DatasetRecord? {
        try dataset(id: id, scope: .only(owner))
    }

    public func dataset(id: String, scope: OwnerScope) throws -> DatasetRecord? {
        let (condition, values) = scope.condition()
        return try read { database in
            let statement = try database.prepare(
                "SELECT \(Self.datasetColumns) FROM datasets WHERE id = ? AND \(condition)"
            )
            .bind([.text(id)] + values)
            return try statement.step() ? Self.datasetRecord(statement) : nil
        }
    }

    /// The dataset with this content, symbol and timeframe, if stored.
    public func dataset(owner: String, sha256: String, symbol: String, timeframe: String) throws -> DatasetRecord? {
        try read { database in
            let statement = try database.prepare(
                "SELECT \(Self.datasetColumns) FROM datasets WHERE owner = ? AND sha256 = ? AND symbol = ? AND timeframe = ?"
            ).bind(.text(owner), .text(sha256), .text(symbol), .text(timeframe))
            return try statement.step() ? Self.datasetRecord(statement) : nil
        }
    }

    /// All datasets of `owner`, newest first.
    public func datasets(owner: String) throws -> [DatasetRecord] {
        try datasets(scope: .only(owner))
    }

    /// The datasets `scope` sees, newest first.
    public func datasets(scope: OwnerScope) throws -> [DatasetRecord] {
        let (condition, values) = scope.condition()
        return try read { database in
            let statement = try database.prepare(
                "SELECT \(Self.datasetColumns) FROM datasets WHERE \(condition) ORDER BY ord DESC"
            ).bind(values)
            var records: [DatasetRecord] = []
            while try statement.step() { records.append(Self.datasetRecord(statement)) }
            return records
        }
    }

    /// The newest dataset with this symbol and timeframe.
    public func newestDataset(owner: String, symbol: String, timeframe: String) throws -> DatasetRecord? {
        try newestDataset(scope: .only(owner), symbol: symbol, timeframe: timeframe)
    }

    /// The newest dataset `scope` sees with this symbol and timeframe.
    public func newestDataset(scope: OwnerScope, symbol: String, timeframe: String) throws -> DatasetRecord? {
        let (condition, values) = scope.condition()
        return try read { database in
            let statement = try database.prepare(
                """
                SELECT \(Self.datasetColumns) FROM datasets WHERE \(condition) AND symbol = ? AND timeframe = ?
                ORDER BY ord DESC LIMIT 1
                """
            ).bind(values + [.text(symbol), .text(timeframe)])
            return try statement.step() ? Self.datasetRecord(statement) : nil
        }
    }

    /// Whether this is a SQLite catalog, where an empty bars blob names a bars file.
    var isSQLite: Bool {
        if case .sqlite = location { return true }
        return false
    }

    /// An empty bars blob on a SQLite catalog opened without its bars folder (a `file:` URI):
    /// the bars exist, but not here.
    static func barsFolderMissing(_ id: String) -> DatasetFileError {
        DatasetFileError(
            code: "catalog.corrupt", message: "the bars of \(id) are in a bars file this catalog was opened without")
    }

    /// The bars blob of a dataset (from its file when the row's blob is empty: never a valid one).
    public func datasetBars(id: String) throws -> [UInt8]? {
        let inline = try read { database in
            let statement = try database.prepare("SELECT bars FROM datasets WHERE id = ?").bind(.text(id))
            return try statement.step() ? statement.blob(0) : nil
        }
        guard let inline, inline.isEmpty, isSQLite || barFiles != nil else { return inline }
        guard let barFiles else { throw Self.barsFolderMissing(id) }
        return try barFiles.read(id: id)
    }
}
