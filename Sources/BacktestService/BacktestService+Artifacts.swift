import Catalog

/// The files a DONE run leaves (under the data directory, or in a shared catalog), read back
/// through the API.
extension BacktestService {
    /// One artifact file: its bytes, media type and content hash (the ETag).
    public struct Artifact: Sendable {
        public let bytes: [UInt8]
        public let contentType: String
        public let sha256: String
    }

    /// The run document as it reads once the run is DONE, for `summary.json`. The times the run
    /// started and finished are left out: a run redone after a crash writes the same bytes (the
    /// manifest's `created_at` says when they were written).
    static func doneDocument(_ run: RunRecord, best: String) -> JSONValue {
        guard case .object(let members) = runDocument(run) else { return .null }
        let progress: JSONValue = .object([
            ("done", .integer(run.progressTotal)), ("total", .integer(run.progressTotal)),
            ("pct", .number(run.progressTotal > 0 ? 100 : 0)),
        ])
        return .object(
            members.compactMap { name, value in
                switch name {
                case "started_at", "finished_at": return nil
                case "status": return (name, .string(RunStatus.done.rawValue))
                case "progress": return (name, progress)
                case "best": return (name, .raw(best))
                case "error": return (name, .null)
                default: return (name, value)
                }
            })
    }

    /// The manifest bytes of a DONE run the caller may read.
    func manifestBytes(id: String, caller: Caller) throws(ServiceError) -> [UInt8] {
        let run = try findRun(id, caller.readableRuns)
        guard run.status == .done else {
            throw ServiceError(
                code: "conflict", message: "run \(id) is \(run.status.rawValue); artifacts exist once it is DONE")
        }
        // A run finished before artifacts existed has none.
        guard let bytes = try readArtifact(run.id, ArtifactStore.manifestName) else {
            throw ServiceError.notFound("artifacts of run \(id)")
        }
        return bytes
    }

    /// `GET /runs/{id}/artifacts`: the manifest.
    public func artifactManifest(id: String, caller: Caller = .local) throws(ServiceError) -> Artifact {
        let bytes = try manifestBytes(id: id, caller: caller)
        return Artifact(bytes: bytes, contentType: "application/json", sha256: InputHash.sha256Hex(bytes))
    }

    /// `GET /runs/{id}/artifacts/{name}`: a file the manifest lists, found by its entry (the name
    /// from the request only selects an entry; it never becomes part of a path).
    public func artifact(id: String, name: String, caller: Caller = .local) throws(ServiceError) -> Artifact {
        let manifestData = try manifestBytes(id: id, caller: caller)
        if name == ArtifactStore.manifestName { return try artifactManifest(id: id, caller: caller) }
        guard let (manifest, _) = Manifest.parse(manifestData) else { throw ServiceError.internalError }
        guard let entry = manifest.files.first(where: { $0.name == name }),
            let known = ArtifactStore.files.first(where: { $0.name == entry.name })
        else { throw ServiceError.notFound("artifact \(name) of run \(id)") }
        guard let bytes = try readArtifact(manifest.runID, known.name) else {
            throw ServiceError.notFound("artifact \(name) of run \(id)")
        }
        // The ETag names the bytes served (equal to the manifest's entry unless the file was altered).
        return Artifact(bytes: bytes, contentType: known.contentType, sha256: InputHash.sha256Hex(bytes))
    }

    private func readArtifact(_ runID: String, _ name: String) throws(ServiceError) -> [UInt8]? {
        do { return try artifactStore.read(runID, name) } catch {
            logger.error(
                "cannot read an artifact", metadata: ["run_id": .string(runID), "error": .string("\(error)")])
            throw ServiceError(code: "internal", message: "the catalog could not be read", retryAfterSeconds: 1)
        }
    }
}
