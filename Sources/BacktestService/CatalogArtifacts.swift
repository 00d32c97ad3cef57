import Catalog

/// Artifact files as rows of a shared (PostgreSQL) catalog: nothing is written before the run is
/// sealed; the files travel in the transaction that records DONE and the chain link, so no crash
/// can leave a DONE run without them, or files without a DONE run. They are deleted with the run
/// (`ON DELETE CASCADE`), by a client or by retention.
struct CatalogArtifacts: ArtifactStorage {
    let catalog: Catalog
    /// Where runs sealed before the catalog kept files have them (this node's data directory).
    let legacy: ArtifactStore
    /// The largest file the catalog takes: a `bytea` holds at most 1 GiB, and so does one
    /// protocol message. An `equity.csv` of some 13M bars would pass it; such a run ends ERROR
    /// with the artifact failure rather than failing its DONE transaction over and over.
    var maxFileBytes = 1_000_000_000

    struct TooLarge: Error, CustomStringConvertible {
        let name: String
        let bytes: Int
        let limit: Int
        var description: String { "artifact \(name) is \(bytes) bytes; the catalog takes at most \(limit)" }
    }

    func stage(_ runID: String, _ files: [ArtifactFile]) throws -> [ArtifactFile] {
        if let large = files.first(where: { $0.bytes.count > maxFileBytes }) {
            throw TooLarge(name: large.name, bytes: large.bytes.count, limit: maxFileBytes)
        }
        return files
    }

    func stageManifest(_ runID: String, _ bytes: [UInt8]) throws -> [ArtifactFile] {
        [ArtifactFile(name: ArtifactStore.manifestName, bytes: bytes)]
    }

    func read(_ runID: String, _ name: String) throws -> [UInt8]? {
        try catalog.artifactFile(runID: runID, name: name) ?? legacy.read(runID, name)
    }

    func remove(_ runID: String) { legacy.remove(runID) }
}
