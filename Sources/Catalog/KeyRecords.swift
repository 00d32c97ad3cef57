/// An API key as stored: everything but the key itself (only its SHA-256 is kept, beside it).
public struct KeyRecord: Sendable, Equatable {
    public let id: String
    public let owner: String
    /// `free`, `pro` or `admin`; the catalog does not interpret it.
    public let tier: String
    /// `bt_` and the key's first six characters: enough to tell keys apart in a list.
    public let prefix: String
    public let createdAt: String
    public var lastUsedAt: String?
    public var revokedAt: String?

    public init(
        id: String, owner: String, tier: String, prefix: String, createdAt: String, lastUsedAt: String? = nil,
        revokedAt: String? = nil
    ) {
        self.id = id
        self.owner = owner
        self.tier = tier
        self.prefix = prefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}
