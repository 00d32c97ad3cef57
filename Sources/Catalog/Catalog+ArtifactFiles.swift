/// One artifact file (`summary.json`, a CSV, `manifest.json`) as the catalog holds it.
public struct ArtifactFile: Sendable, Equatable {
    public let name: String
    public let bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// Artifact files kept in the catalog, so every node sharing a PostgreSQL catalog serves them.
/// They are written by the transaction that seals the run (`finishRun` with its chain link) and
/// go with the run's row (`ON DELETE CASCADE`): a run is DONE if and only if its files exist.
extension Catalog {
    static func insertArtifactFiles(_ database: any CatalogConnection, runID: String, _ files: [ArtifactFile]) throws {
        let insert = try database.prepare("INSERT INTO artifact_files (run_id, name, bytes) VALUES (?, ?, ?)")
        for file in files { try insert.bind(.text(runID), .text(file.name), .blob(file.bytes)).run() }
    }

    /// The bytes of one file of a run, or nil when the catalog holds no such file.
    public func artifactFile(runID: String, name: String) throws -> [UInt8]? {
        try read { database in
            let statement = try database.prepare("SELECT bytes FROM artifact_files WHERE run_id = ? AND name = ?")
                .bind(.text(runID), .text(name))
            return try statement.step() ? statement.blob(0) : nil
        }
    }

    /// The names of the files the catalog holds for a run, sorted.
    public func artifactFileNames(runID: String) throws -> [String] {
        try read { database in
            let statement = try database.prepare("SELECT name FROM artifact_files WHERE run_id = ? ORDER BY name")
                .bind(.text(runID))
            var names: [String] = []
            while try statement.step() { names.append(statement.text(0) ?? "") }
            return names
        }
    }
}
