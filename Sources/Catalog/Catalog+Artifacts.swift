/// One link of an owner's artifact chain: the manifest a DONE run wrote, and the one before it.
public struct ChainRecord: Sendable, Equatable {
    public let runID: String
    public let owner: String
    public let manifestHash: String
    public let chainPrev: String?
    public let createdAt: String
    /// Set when the run was deleted (by a client or retention): its files are gone, the link stays.
    public let deletedAt: String?

    public init(
        runID: String, owner: String, manifestHash: String, chainPrev: String?, createdAt: String,
        deletedAt: String? = nil
    ) {
        self.runID = runID
        self.owner = owner
        self.manifestHash = manifestHash
        self.chainPrev = chainPrev
        self.createdAt = createdAt
        self.deletedAt = deletedAt
    }
}

/// The artifact chain: written with a run's DONE transition, tombstoned with its deletion.
extension Catalog {
    static let chainColumns = "run_id, owner, manifest_hash, chain_prev, created_at, deleted_at"

    static func chainRecord(_ s: any CatalogStatement) -> ChainRecord {
        ChainRecord(
            runID: s.text(0) ?? "", owner: s.text(1) ?? "", manifestHash: s.text(2) ?? "", chainPrev: s.text(3),
            createdAt: s.text(4) ?? "", deletedAt: s.text(5))
    }

    static func insertChainLink(_ database: any CatalogConnection, _ link: ChainRecord) throws {
        // Nodes sharing a catalog seal runs of one owner at the same time, and a node's own
        // owner lock does not reach the others: the owner's chain is locked for the rest of this
        // transaction and the link must still follow the head, or the chain would fork.
        if database.dialect == .postgres {
            _ = try database.prepare("SELECT pg_advisory_xact_lock(hashtext(?))").bind(.text("chain:" + link.owner))
                .step()
        }
        let head = try database.prepare(
            "SELECT manifest_hash FROM artifact_chain WHERE owner = ? ORDER BY ord DESC LIMIT 1"
        ).bind(.text(link.owner))
        let current = try head.step() ? head.text(0) : nil
        guard current == link.chainPrev else { throw ChainHeadMoved(owner: link.owner) }
        try database.prepare(
            "INSERT INTO artifact_chain (run_id, owner, manifest_hash, chain_prev, created_at) VALUES (?, ?, ?, ?, ?)"
        ).bind(
            .text(link.runID), .text(link.owner), .text(link.manifestHash), .optional(link.chainPrev),
            .text(link.createdAt)
        ).run()
    }

    /// Marks the links of deleted runs (at the catalog's clock, in the service's timestamp form);
    /// the rows stay so the chain remains walkable.
    static func tombstoneChainLinks(_ database: any CatalogConnection, runIDs: [String]) throws {
        let update = try database.prepare(
            """
            UPDATE artifact_chain SET deleted_at = \(database.dialect.nowTimestamp)
            WHERE run_id = ? AND deleted_at IS NULL
            """)
        for id in runIDs { try update.bind(.text(id)).run() }
    }

    /// The newest link of `owner`'s chain (what the next manifest's `chain_prev` names).
    public func chainHead(owner: String) throws -> ChainRecord? {
        try read { database in
            let statement = try database.prepare(
                "SELECT \(Self.chainColumns) FROM artifact_chain WHERE owner = ? ORDER BY ord DESC LIMIT 1"
            ).bind(.text(owner))
            return try statement.step() ? Self.chainRecord(statement) : nil
        }
    }

    /// The link of one run (nil before it is DONE, or for runs finished before the chain existed).
    public func chainLink(runID: String) throws -> ChainRecord? {
        try read { database in
            let statement = try database.prepare(
                "SELECT \(Self.chainColumns) FROM artifact_chain WHERE run_id = ?"
            ).bind(.text(runID))
            return try statement.step() ? Self.chainRecord(statement) : nil
        }
    }

    /// Every link of `owner`'s chain, newest first.
    public func chain(owner: String) throws -> [ChainRecord] {
        try read { database in
            let statement = try database.prepare(
                "SELECT \(Self.chainColumns) FROM artifact_chain WHERE owner = ? ORDER BY ord DESC"
            ).bind(.text(owner))
            var links: [ChainRecord] = []
            while try statement.step() { links.append(Self.chainRecord(statement)) }
            return links
        }
    }

    /// The owners that have a chain, sorted.
    public func chainOwners() throws -> [String] {
        try read { database in
            let statement = try database.prepare("SELECT DISTINCT owner FROM artifact_chain ORDER BY owner")
            var owners: [String] = []
            while try statement.step() { owners.append(statement.text(0) ?? "") }
            return owners
        }
    }
}

/// A link's `chain_prev` is no longer its owner's head: another node sealed a run of the same
/// owner first. Nothing was written; the seal is done again after the new head.
public struct ChainHeadMoved: Error, Sendable, CustomStringConvertible {
    public let owner: String
    public var description: String { "the artifact chain of \(owner) moved on while a run was sealed" }
}
