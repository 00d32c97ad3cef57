import Catalog
import Foundation

/// API keys and browser sessions over HTTP (`/keys`, `/session`); the `backtestd keys` command
/// uses `KeyManager` directly.
extension BacktestService {
    /// A key's public description (never the key: that is shown once, at creation).
    static func keyJSON(_ record: KeyRecord) -> JSONValue {
        .object([
            ("id", .string(record.id)), ("owner", .string(record.owner)), ("tier", .string(record.tier)),
            ("prefix", .string(record.prefix)), ("created_at", .string(record.createdAt)),
            ("last_used_at", .string(record.lastUsedAt)), ("revoked_at", .string(record.revokedAt)),
        ])
    }

    /// `POST /keys {"owner","tier"}`: the new key (shown this once) and its description.
    public func createKey(body: [UInt8]) throws(ServiceError) -> (JSONValue, id: String) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, limits: JSONParser.Limits(maxElements: 16, maxStringBytes: 1024))
        } catch {
            throw ServiceError.badRequest("the body is not JSON: \(error.message)")
        }
        var problems: [ServiceError.Detail] = []
        var reader = ObjectReader(value, path: "", problems: &problems)
        let owner = reader.string("owner")
        if owner == nil { reader.fail("owner", "is required") }
        let tier = KeyTier(rawValue: reader.choice("tier", default: "free", KeyTier.allCases.map(\.rawValue)))
        reader.finish(into: &problems)
        guard problems.isEmpty, let owner, let tier else { throw ServiceError.validation(problems) }
        let (key, record) = try KeyManager(catalog: catalog).create(owner: owner, tier: tier)
        keys.reload()
        guard case .object(var members) = Self.keyJSON(record) else { return (.null, record.id) }
        members.insert(("key", .string(key)), at: 0)
        return (.object(members), record.id)
    }

    public func listKeys() throws(ServiceError) -> JSONValue {
        .object([("keys", .array(try KeyManager(catalog: catalog).list().map(Self.keyJSON)))])
    }

    /// `DELETE /keys/{id}`: revoked at once on this server (and within a second on others).
    public func revokeKey(_ idOrPrefix: String) throws(ServiceError) {
        _ = try KeyManager(catalog: catalog).revoke(idOrPrefix)
        keys.reload()
    }
}
