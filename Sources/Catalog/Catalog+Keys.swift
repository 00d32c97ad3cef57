/// API keys and the browser sessions bound to them. Keys are looked up by the SHA-256 of the
/// plaintext, which never reaches the catalog.
extension Catalog {
    static let keyColumns = "id, owner, tier, prefix, created_at, last_used_at, revoked_at"

    static func keyRecord(_ s: any CatalogStatement, from column: Int32 = 0) -> KeyRecord {
        KeyRecord(
            id: s.text(column) ?? "", owner: s.text(column + 1) ?? "", tier: s.text(column + 2) ?? "",
            prefix: s.text(column + 3) ?? "", createdAt: s.text(column + 4) ?? "", lastUsedAt: s.text(column + 5),
            revokedAt: s.text(column + 6))
    }

    /// Stores a new key (fsynced: the key was just shown to someone who will use it).
    public func insertKey(_ key: KeyRecord, hash: String) throws {
        try durableWrite { database in
            try database.prepare(
                """
                INSERT INTO api_keys (id, owner, tier, hash, prefix, created_at, last_used_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).bind(
                .text(key.id), .text(key.owner), .text(key.tier), .text(hash), .text(key.prefix),
                .text(key.createdAt), .optional(key.lastUsedAt), .optional(key.revokedAt)
            ).run()
        }
    }

    /// Every key, revoked included, oldest first.
    public func keys() throws -> [KeyRecord] {
        try read { database in
            let statement = try database.prepare("SELECT \(Self.keyColumns) FROM api_keys ORDER BY created_at, id")
            var records: [KeyRecord] = []
            while try statement.step() { records.append(Self.keyRecord(statement)) }
            return records
        }
    }

    /// The keys that authenticate, with their hashes (what the server's in-memory table holds).
    public func activeKeys() throws -> [(hash: String, key: KeyRecord)] {
        try read { database in
            let statement = try database.prepare(
                "SELECT hash, \(Self.keyColumns) FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at, id")
            var records: [(hash: String, key: KeyRecord)] = []
            while try statement.step() {
                records.append((statement.text(0) ?? "", Self.keyRecord(statement, from: 1)))
            }
            return records
        }
    }

    /// How many keys exist, revoked included (any key at all turns off single-user mode).
    public func keyCount() throws -> Int {
        try read { database in
            let statement = try database.prepare("SELECT COUNT(*) FROM api_keys")
            return try statement.step() ? statement.int(0) : 0
        }
    }

    /// The keys whose id or display prefix is `idOrPrefix` (several when keys share a prefix).
    public func keys(matching idOrPrefix: String) throws -> [KeyRecord] {
        try read { database in
            let statement = try database.prepare(
                "SELECT \(Self.keyColumns) FROM api_keys WHERE id = ? OR prefix = ? ORDER BY created_at, id"
            ).bind(.text(idOrPrefix), .text(idOrPrefix))
            var records: [KeyRecord] = []
            while try statement.step() { records.append(Self.keyRecord(statement)) }
            return records
        }
    }

    /// Revokes a key and ends its sessions in one transaction; false when it is missing or
    /// was already revoked. Fsynced: a revocation that answered must not come undone.
    public func revokeKey(id: String, at timestamp: String) throws -> Bool {
        try durableWrite { database in
            try database.transaction {
                try database.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                    .bind(.text(timestamp), .text(id)).run()
                guard database.changes > 0 else { return false }
                try database.prepare("DELETE FROM sessions WHERE key_id = ?").bind(.text(id)).run()
                return true
            }
        }
    }

    /// Records a use (the caller throttles this to once a minute per key).
    public func touchKey(id: String, at timestamp: String) throws {
        try write { database in
            try database.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?")
                .bind(.text(timestamp), .text(id)).run()
        }
    }

    /// Stores a session by the hash of its id (fsynced: the cookie was just handed out).
    public func insertSession(hash: String, keyID: String, createdAt: String, expiresMilliseconds: Int64) throws {
        try durableWrite { database in
            try database.prepare("INSERT INTO sessions (hash, key_id, created_at, expires_ms) VALUES (?, ?, ?, ?)")
                .bind(.text(hash), .text(keyID), .text(createdAt), .integer(Int(expiresMilliseconds))).run()
        }
    }

    /// The key a session belongs to and when it expires; the caller compares with its clock.
    public func session(hash: String) throws -> (keyID: String, expiresMilliseconds: Int64)? {
        try read { database in
            let statement = try database.prepare("SELECT key_id, expires_ms FROM sessions WHERE hash = ?")
                .bind(.text(hash))
            guard try statement.step() else { return nil }
            return (statement.text(0) ?? "", Int64(statement.int(1)))
        }
    }

    /// Moves a session's expiry (sliding expiry).
    public func extendSession(hash: String, expiresMilliseconds: Int64) throws {
        try write { database in
            try database.prepare("UPDATE sessions SET expires_ms = ? WHERE hash = ?")
                .bind(.integer(Int(expiresMilliseconds)), .text(hash)).run()
        }
    }

    /// Logs a session out (fsynced: a logout that answered must hold).
    public func deleteSession(hash: String) throws {
        try durableWrite { database in
            try database.prepare("DELETE FROM sessions WHERE hash = ?").bind(.text(hash)).run()
        }
    }

    /// Drops the sessions whose expiry is at or before `nowMilliseconds`.
    public func deleteExpiredSessions(nowMilliseconds: Int64) throws {
        try write { database in
            try database.prepare("DELETE FROM sessions WHERE expires_ms <= ?")
                .bind(.integer(Int(nowMilliseconds))).run()
        }
    }

    /// The owner's runs waiting or running (the concurrency quota).
    public func activeRunCount(owner: String) throws -> Int {
        try read { database in
            let statement = try database.prepare(
                "SELECT COUNT(*) FROM runs WHERE owner = ? AND status IN ('QUEUED', 'RUNNING')"
            ).bind(.text(owner))
            return try statement.step() ? statement.int(0) : 0
        }
    }
}
