import Catalog

/// Artifact files as rows of a shared (PostgreSQL) catalog: nothing is written before the run is
/// sealed; the files travel in the transaction that records DONE and the chain link, so no crash
/// can leave a DONE run without them, or files without a DONE run. They are deleted with the run
/// (`ON DELETE CASCADE`), by a client or by retention.
struct CatalogArtifacts: ArtifactStorage {
    let catalog: Catalog
    /// Where runs sealed before the catalog kept files have them (this node's data directory).
    let legacy: ArtifactStore

    func stage(_ runID: String, _ files: [ArtifactFile]) throws -> [ArtifactFile] { files }

    func stageManifest(_ runID: String, _ bytes: [UInt8]) throws -> [ArtifactFile] {
        [ArtifactFile(name: ArtifactStore.manifestName, bytes: bytes)]
    }

    func read(_ runID: String, _ name: String) throws -> [UInt8]? {
        try catalog.artifactFile(runID: runID, name: name) ?? legacy.read(runID, name)
    }

    func remove(_ runID: String) { legacy.remove(runID) }
}
