/// Presets: named, immutable backtest configurations of one owner.
extension Catalog {
    static let presetColumns = "id, owner, name, config, spec_hash, created_at"

    static func presetRecord(_ s: any CatalogStatement) -> PresetRecord {
        PresetRecord(
            id: s.text(0) ?? "", owner: s.text(1) ?? "", name: s.text(2) ?? "", config: s.text(3) ?? "{}",
            specHash: s.text(4) ?? "", createdAt: s.text(5) ?? "")
    }

    /// Stores `preset` unless its owner has one of that name: the same config again is that
    /// preset (`.existing`), another config is `.conflict` (presets never change).
    public func insertPreset(_ preset: PresetRecord) throws -> PresetInsertOutcome {
        try durableWrite { database in
            try database.transaction {
                let existing = try database.prepare(
                    "SELECT \(Self.presetColumns) FROM presets WHERE owner = ? AND name = ?"
                ).bind(.text(preset.owner), .text(preset.name))
                if try existing.step() {
                    let found = Self.presetRecord(existing)
                    return found.specHash == preset.specHash ? .existing(found) : .conflict(found)
                }
                try database.prepare(
                    """
                    INSERT INTO presets (id, owner, name, config, spec_hash, created_at, ord)
                    VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(ord) + 1, 0) FROM presets))
                    """
                ).bind(
                    .text(preset.id), .text(preset.owner), .text(preset.name), .text(preset.config),
                    .text(preset.specHash), .text(preset.createdAt)
                ).run()
                return .created(preset)
            }
        }
    }

    public func preset(id: String, owner: String) throws -> PresetRecord? {
        try read { database in
            let statement = try database.prepare(
                "SELECT \(Self.presetColumns) FROM presets WHERE id = ? AND owner = ?"
            ).bind(.text(id), .text(owner))
            return try statement.step() ? Self.presetRecord(statement) : nil
        }
    }

    /// A page of `owner`'s presets, newest first, with the total count.
    public func presets(owner: String, limit: Int, offset: Int) throws -> ([PresetRecord], Int) {
        try read { database in
            let count = try database.prepare("SELECT COUNT(*) FROM presets WHERE owner = ?").bind(.text(owner))
            _ = try count.step()
            let page = try database.prepare(
                "SELECT \(Self.presetColumns) FROM presets WHERE owner = ? ORDER BY ord DESC LIMIT ? OFFSET ?"
            ).bind(.text(owner), .integer(limit), .integer(offset))
            var records: [PresetRecord] = []
            while try page.step() { records.append(Self.presetRecord(page)) }
            return (records, count.int(0))
        }
    }

    @discardableResult
    public func deletePreset(id: String, owner: String) throws -> Bool {
        try write { database in
            try database.prepare("DELETE FROM presets WHERE id = ? AND owner = ?").bind(.text(id), .text(owner)).run()
            return database.changes > 0
        }
    }
}

/// A stored preset: its normalized config (JSON text) and that text's SHA-256 of its canonical form.
public struct PresetRecord: Sendable, Equatable {
    public let id: String
    public let owner: String
    public let name: String
    public let config: String
    public let specHash: String
    public let createdAt: String

    public init(id: String, owner: String, name: String, config: String, specHash: String, createdAt: String) {
        self.id = id
        self.owner = owner
        self.name = name
        self.config = config
        self.specHash = specHash
        self.createdAt = createdAt
    }
}

public enum PresetInsertOutcome: Sendable, Equatable {
    case created(PresetRecord)
    case existing(PresetRecord)
    case conflict(PresetRecord)
}
