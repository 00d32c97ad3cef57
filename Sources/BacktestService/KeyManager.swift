import Catalog

/// Creating, listing and revoking API keys on a catalog (the `keys` commands and `/keys`).
/// The plaintext key leaves `create` once and is never stored: the catalog gets its SHA-256.
public struct KeyManager: Sendable {
    static let ownerLengths = 1...64

    let catalog: Catalog

    public init(catalog: Catalog) { self.catalog = catalog }

    /// A new key for `owner`; the key string is shown to the caller once and is not recoverable.
    public func create(owner: String, tier: KeyTier) throws(ServiceError) -> (key: String, record: KeyRecord) {
        try Self.validate(owner: owner)
        let key = APIKeyMaterial.generate()
        let record = KeyRecord(
            id: Self.makeID(), owner: owner, tier: tier.rawValue, prefix: APIKeyMaterial.prefix(key),
            createdAt: Identifiers.now())
        do {
            try catalog.insertKey(record, hash: APIKeyMaterial.hash(key))
        } catch {
            throw ServiceError.catalogRefused(error, "the key")
        }
        return (key, record)
    }

    /// Every key, revoked included, oldest first.
    public func list() throws(ServiceError) -> [KeyRecord] {
        do {
            return try catalog.keys()
        } catch {
            throw ServiceError(code: "internal", message: "the catalog could not list keys", retryAfterSeconds: 1)
        }
    }

    /// Revokes the one key whose id or display prefix is `idOrPrefix`; a key already revoked
    /// comes back unchanged.
    public func revoke(_ idOrPrefix: String) throws(ServiceError) -> KeyRecord {
        let matches: [KeyRecord]
        do {
            matches = try catalog.keys(matching: idOrPrefix)
        } catch {
            throw ServiceError(code: "internal", message: "the catalog could not look up keys", retryAfterSeconds: 1)
        }
        guard let match = matches.first else { throw ServiceError.notFound("key") }
        guard matches.count == 1 else {
            throw ServiceError(
                code: "conflict",
                message: "\(matches.count) keys share the prefix \(idOrPrefix); revoke one by id: "
                    + matches.map(\.id).joined(separator: ", "))
        }
        guard match.revokedAt == nil else { return match }
        let timestamp = Identifiers.now()
        let revoked: Bool
        do {
            revoked = try catalog.revokeKey(id: match.id, at: timestamp)
        } catch {
            throw ServiceError.catalogRefused(error, "the revocation")
        }
        guard revoked else {
            // Revoked by someone else between the lookup and the update: report what is stored.
            return (try? catalog.keys(matching: match.id).first) ?? match
        }
        var record = match
        record.revokedAt = timestamp
        return record
    }

    /// 1 to 64 of `[A-Za-z0-9._-]`, and not the samples' owner.
    static func validate(owner: String) throws(ServiceError) {
        let bytes = Array(owner.utf8)
        let allowed = bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard ownerLengths.contains(bytes.count), allowed else {
            throw ServiceError.validation([
                .init(path: "owner", message: "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'")
            ])
        }
        // The owner of the bundled samples, which no key may claim.
        guard owner != Caller.publicOwner else {
            throw ServiceError.validation([
                .init(path: "owner", message: "'public' is reserved for the bundled samples")
            ])
        }
    }

    /// `key_` and 16 hex digits (64 random bits: ids are not secrets, only names).
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        let text = String(generator.next() as UInt64, radix: 16)
        return "key_" + String(repeating: "0", count: 16 - text.count) + text
    }
}
