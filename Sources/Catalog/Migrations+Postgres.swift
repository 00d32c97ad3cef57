/// PostgreSQL's schema: the one SQLite's migrations reach, written at once (there were no
/// PostgreSQL catalogs before it). Later changes append here and to `Migrations.sqlite` alike.
/// Integers are `BIGINT` (SQLite's are 64-bit), blobs `BYTEA`, `ord` keys identity columns.
extension Migrations {
    static let postgres: [String] = [
        """
        CREATE TABLE datasets (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            symbol TEXT NOT NULL,
            timeframe TEXT NOT NULL,
            rows BIGINT NOT NULL,
            first_ms BIGINT NOT NULL,
            last_ms BIGINT NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            ord BIGINT NOT NULL,
            bars BYTEA NOT NULL,
            UNIQUE (owner, sha256, symbol, timeframe)
        );
        -- Stored out of line and uncompressed, so a candle window's substring() reads only the
        -- TOAST chunks it needs (the bars are dense binary: compression would gain little).
        ALTER TABLE datasets ALTER COLUMN bars SET STORAGE EXTERNAL;
        CREATE INDEX datasets_by_symbol ON datasets (owner, symbol, timeframe, ord);
        CREATE TABLE runs (
            ord BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            owner TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'ERROR', 'CANCELLED')),
            input_hash TEXT NOT NULL,
            idempotency_key TEXT,
            request TEXT NOT NULL,
            dataset_id TEXT NOT NULL,
            variants BIGINT NOT NULL,
            engine_version TEXT NOT NULL,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            progress_done BIGINT NOT NULL DEFAULT 0,
            progress_total BIGINT NOT NULL DEFAULT 0,
            error TEXT,
            grid TEXT,
            best TEXT,
            attempts BIGINT NOT NULL DEFAULT 0,
            spec_hash TEXT,
            UNIQUE (owner, input_hash),
            UNIQUE (owner, idempotency_key)
        );
        CREATE INDEX runs_by_status ON runs (status, ord);
        CREATE INDEX runs_by_owner_status ON runs (owner, status);
        CREATE TABLE events (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            seq BIGINT NOT NULL,
            type TEXT NOT NULL,
            ts TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        CREATE TABLE results (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            rank BIGINT NOT NULL,
            variant_key TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (run_id, rank)
        );
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
            expires_ms BIGINT NOT NULL
        );
        CREATE INDEX sessions_by_key ON sessions (key_id);
        CREATE TABLE artifact_chain (
            ord BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            run_id TEXT NOT NULL UNIQUE,
            owner TEXT NOT NULL,
            manifest_hash TEXT NOT NULL,
            chain_prev TEXT,
            created_at TEXT NOT NULL,
            deleted_at TEXT
        );
        CREATE INDEX artifact_chain_by_owner ON artifact_chain (owner, ord);
        CREATE TABLE presets (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            config TEXT NOT NULL,
            spec_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            ord BIGINT NOT NULL,
            UNIQUE (owner, name)
        );
        """,
        leases,
        cancelRequests,
        rateLimits,
        chunks(integer: "BIGINT", blob: "BYTEA"),
        artifactFiles(blob: "BYTEA"),
    ]
}
