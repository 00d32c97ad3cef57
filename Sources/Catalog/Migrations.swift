/// Versioned schema changes, applied in order in one transaction at start-up: SQLite's history
/// here, PostgreSQL's in `Migrations+Postgres.swift` (it starts at the schema SQLite reached).
enum Migrations {
    /// The migrations of `dialect`.
    static func all(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite: return sqlite
        case .postgres: return postgres
        }
    }

    static let sqlite: [String] = [
        """
        CREATE TABLE datasets (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            symbol TEXT NOT NULL,
            timeframe TEXT NOT NULL,
            rows INTEGER NOT NULL,
            first_ms INTEGER NOT NULL,
            last_ms INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            ord INTEGER NOT NULL,
            bars BLOB NOT NULL,
            UNIQUE (owner, sha256)
        );
        CREATE INDEX datasets_by_symbol ON datasets (owner, symbol, timeframe, ord);
        CREATE TABLE runs (
            ord INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            owner TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'ERROR', 'CANCELLED')),
            input_hash TEXT NOT NULL,
            idempotency_key TEXT,
            request TEXT NOT NULL,
            dataset_id TEXT NOT NULL,
            variants INTEGER NOT NULL,
            engine_version TEXT NOT NULL,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            progress_done INTEGER NOT NULL DEFAULT 0,
            progress_total INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            grid TEXT,
            best TEXT,
            UNIQUE (owner, input_hash),
            UNIQUE (owner, idempotency_key)
        );
        CREATE INDEX runs_by_status ON runs (status, ord);
        CREATE TABLE events (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            type TEXT NOT NULL,
            ts TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE results (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            rank INTEGER NOT NULL,
            variant_key TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (run_id, rank)
        ) WITHOUT ROWID;
        """,
        // 2: how many times each run was claimed, so a run that keeps killing the process stops
        // being re-queued (a poison run must not crash-loop the server).
        """
        ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        """,
        // 3: a dataset's identity is its content under one symbol and timeframe: the same bytes
        // uploaded as another symbol are a second dataset. SQLite cannot alter a constraint,
        // so the table is rebuilt with its rows.
        """
        CREATE TABLE datasets_v2 (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            symbol TEXT NOT NULL,
            timeframe TEXT NOT NULL,
            rows INTEGER NOT NULL,
            first_ms INTEGER NOT NULL,
            last_ms INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            ord INTEGER NOT NULL,
            bars BLOB NOT NULL,
            UNIQUE (owner, sha256, symbol, timeframe)
        );
        INSERT INTO datasets_v2 (id, owner, symbol, timeframe, rows, first_ms, last_ms, sha256, created_at, ord, bars)
            SELECT id, owner, symbol, timeframe, rows, first_ms, last_ms, sha256, created_at, ord, bars FROM datasets;
        DROP TABLE datasets;
        ALTER TABLE datasets_v2 RENAME TO datasets;
        CREATE INDEX datasets_by_symbol ON datasets (owner, symbol, timeframe, ord);
        """,
        // 4: API keys (only the SHA-256 of a key is stored; lookup is by it) and browser sessions
        // (the hash of the session id, bound to a key), plus the per-owner index the concurrency
        // quota counts with.
        """
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            tier TEXT NOT NULL,
            hash TEXT UNIQUE NOT NULL,
            prefix TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used_at TEXT,
            revoked_at TEXT
        );
        CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
        CREATE TABLE sessions (
            hash TEXT PRIMARY KEY,
            key_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_ms INTEGER NOT NULL
        );
        CREATE INDEX sessions_by_key ON sessions (key_id);
        CREATE INDEX runs_by_owner_status ON runs (owner, status);
        """,
        // 5: the artifact hash chain, one per owner. A row outlives its run (deleted_at set, the
        // files gone) so the chain stays walkable; `ord` orders an owner's chain, newest last.
        """
        CREATE TABLE artifact_chain (
            ord INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id TEXT NOT NULL UNIQUE,
            owner TEXT NOT NULL,
            manifest_hash TEXT NOT NULL,
            chain_prev TEXT,
            created_at TEXT NOT NULL,
            deleted_at TEXT
        );
        CREATE INDEX artifact_chain_by_owner ON artifact_chain (owner, ord);
        """,
        // 6 (after the artifact chain's 5): saved configurations, immutable, unique by name per
        // owner; and the preset a run was submitted from.
        """
        CREATE TABLE presets (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            config TEXT NOT NULL,
            spec_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            ord INTEGER NOT NULL,
            UNIQUE (owner, name)
        );
        ALTER TABLE runs ADD COLUMN spec_hash TEXT;
        """,
        leases,
        cancelRequests,
        rateLimits,
        chunks(integer: "INTEGER", blob: "BLOB"),
        artifactFiles(blob: "BLOB"),
    ]

    /// A grid run's chunks (`Catalog+Chunks.swift`): contiguous variant ranges claimed under
    /// leases like runs, each DONE with its partial result; gone with their run.
    static func chunks(integer: String, blob: String) -> String {
        """
        CREATE TABLE run_chunks (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            idx \(integer) NOT NULL,
            lo \(integer) NOT NULL,
            hi \(integer) NOT NULL,
            status TEXT NOT NULL,
            lease_owner TEXT,
            lease_expires_at BIGINT,
            attempts \(integer) NOT NULL DEFAULT 0,
            partial \(blob),
            PRIMARY KEY (run_id, idx)
        );
        CREATE INDEX run_chunks_by_status ON run_chunks (status, run_id, idx);
        """
    }

    /// 7 on SQLite, 2 on PostgreSQL: who holds a RUNNING run (the node id) and until when
    /// (milliseconds since 1970 on the database's clock); an expired lease is re-queued by the
    /// reaper (`Catalog+Leases.swift`).
    static let leases = """
        ALTER TABLE runs ADD COLUMN lease_owner TEXT;
        ALTER TABLE runs ADD COLUMN lease_expires_at BIGINT;
        """

    /// Both backends: a cancel asked of a RUNNING run, kept on the run so that every node working
    /// on it learns of it even when the notification is lost (`Catalog+Cancel.swift`).
    static let cancelRequests = """
        ALTER TABLE runs ADD COLUMN cancel_requested BIGINT NOT NULL DEFAULT 0;
        """

    /// Both backends: the shared rate-limit state, one GCRA arrival time (seconds since 1970 on
    /// the nodes' clocks) per subject and policy; `allowed` is what the last acquire decided, so
    /// one upsert both decides and says what it decided (`RateLimitStore.swift`).
    static let rateLimits = """
        CREATE TABLE rate_limits (
            subject TEXT NOT NULL,
            policy TEXT NOT NULL,
            tat DOUBLE PRECISION NOT NULL,
            allowed BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (subject, policy)
        );
        """

    /// Artifact files held in the catalog (a shared PostgreSQL catalog keeps a run's files there,
    /// `Catalog+ArtifactFiles.swift`); they go with their run. On PostgreSQL `bytea` keeps its
    /// default storage, compressed and out of line: the CSVs are text that compresses well.
    static func artifactFiles(blob: String) -> String {
        """
        CREATE TABLE artifact_files (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            bytes \(blob) NOT NULL,
            PRIMARY KEY (run_id, name)
        );
        """
    }

    /// Brings `database` to the newest version; returns the version reached. On PostgreSQL a
    /// transaction-scoped advisory lock makes nodes starting together migrate one at a time.
    @discardableResult
    static func apply(to database: any CatalogConnection) throws -> Int {
        let all = all(database.dialect)
        return try database.transaction {
            if database.dialect == .postgres { try database.execute("SELECT pg_advisory_xact_lock(\(advisoryLock))") }
            try database.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            let statement = try database.prepare("SELECT version FROM schema_version")
            var current = 0
            if try statement.step() {
                current = statement.int(0)
            } else {
                try database.execute("INSERT INTO schema_version (version) VALUES (0)")
            }
            guard current <= all.count else {
                throw SQLiteError(message: "catalog schema version \(current) is newer than this build (\(all.count))")
            }
            // Any unfinished read (this one, the journal-mode pragma) makes SQLite refuse DROP TABLE.
            database.releaseStatements()
            for version in current..<all.count {
                try database.execute(all[version])
            }
            try database.prepare("UPDATE schema_version SET version = ?").bind(.integer(all.count)).run()
            return all.count
        }
    }

    /// The advisory lock key migrations hold (an arbitrary constant: "btd" in ASCII).
    static let advisoryLock = 0x62_74_64
}
