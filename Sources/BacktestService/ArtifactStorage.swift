import Catalog

/// Where a DONE run's artifact files live: files under `data_dir` (`ArtifactStore`, a SQLite
/// catalog, one node) or rows of the catalog (`CatalogArtifacts`, a shared PostgreSQL catalog,
/// which every node reaches). Docs: docs/scaling.md, "Artifacts".
protocol ArtifactStorage: Sendable {
    /// Makes a run's data files durable before a manifest names them, and returns what the
    /// transaction sealing the run must store with it (nothing when they are on disk already).
    func stage(_ runID: String, _ files: [ArtifactFile]) throws -> [ArtifactFile]

    /// The same for the manifest, written last, under the owner's chain lock.
    func stageManifest(_ runID: String, _ bytes: [UInt8]) throws -> [ArtifactFile]

    /// The bytes of one file of a run, nil when there is none.
    func read(_ runID: String, _ name: String) throws -> [UInt8]?

    /// Removes what was written for a run outside the catalog (a failed attempt, a deleted run).
    func remove(_ runID: String)
}

extension ArtifactStore: ArtifactStorage {
    func stage(_ runID: String, _ files: [ArtifactFile]) throws -> [ArtifactFile] {
        try prepare(runID)
        for file in files { try write(file.bytes, runID, file.name, syncDirectory: false) }
        // One directory sync after the renames makes them all durable before the manifest exists.
        try DurableFiles.syncDirectory(directory(runID))
        return []
    }

    func stageManifest(_ runID: String, _ bytes: [UInt8]) throws -> [ArtifactFile] {
        try write(bytes, runID, Self.manifestName)
        return []
    }
}

/// The storage a service (or `backtestd verify`) uses with `catalog`: the catalog itself when
/// other nodes share it, the data directory otherwise.
func artifactStorage(catalog: Catalog, dataDirectory: String) -> any ArtifactStorage {
    let files = ArtifactStore(dataDirectory: dataDirectory)
    return catalog.isShared ? CatalogArtifacts(catalog: catalog, legacy: files) : files
}
