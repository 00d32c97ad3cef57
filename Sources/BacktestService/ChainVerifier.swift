import Catalog

/// Walks each owner's artifact chain from its newest link back through `chain_prev`, re-hashing
/// every manifest and every file it lists, wherever they are kept (the data directory, or the
/// catalog when it is shared). Tombstones (deleted runs) are followed on the catalog's record
/// alone: their files are gone by design.
public struct ChainVerifier {
    /// The first thing found wrong.
    public struct Break: Error, Equatable, CustomStringConvertible {
        public let runID: String
        public let file: String
        public let expected: String
        public let found: String

        public var description: String {
            "break: run \(runID), file \(file): expected \(expected), found \(found)"
        }
    }

    public struct Totals: Equatable {
        public var manifests = 0
        public var files = 0

        public init() {}
    }

    let catalog: Catalog
    let store: any ArtifactStorage

    public init(catalog: Catalog, dataDirectory: String) {
        self.catalog = catalog
        store = artifactStorage(catalog: catalog, dataDirectory: dataDirectory)
    }

    /// Verifies one owner's chain, or every owner's.
    public func verify(owner: String? = nil) throws -> Result<Totals, Break> {
        var totals = Totals()
        let owners = try owner.map { [$0] } ?? catalog.chainOwners()
        for owner in owners {
            if case .failure(let found) = try verifyChain(try catalog.chain(owner: owner), &totals) {
                return .failure(found)
            }
        }
        return .success(totals)
    }

    /// `links` newest first, as the catalog records them.
    private func verifyChain(_ links: [ChainRecord], _ totals: inout Totals) throws -> Result<Void, Break> {
        let byHash = Dictionary(links.map { ($0.manifestHash, $0) }, uniquingKeysWith: { first, _ in first })
        var next = links.first
        var visited = Set<String>()
        while let link = next {
            guard visited.insert(link.runID).inserted else {
                return .failure(Break(runID: link.runID, file: "chain", expected: "no cycle", found: "a cycle"))
            }
            if link.deletedAt == nil {
                if case .failure(let found) = try verifyFiles(link, &totals) { return .failure(found) }
            }
            guard let previous = link.chainPrev else { break }
            guard let found = byHash[previous] else {
                return .failure(
                    Break(runID: link.runID, file: "chain_prev", expected: previous, found: "no such manifest"))
            }
            next = found
        }
        // A link the walk never reached means the chain forked or lost a link.
        if let stray = links.first(where: { !visited.contains($0.runID) }) {
            return .failure(
                Break(runID: stray.runID, file: "chain", expected: "on the chain", found: "not reachable from the head")
            )
        }
        return .success(())
    }

    private func verifyFiles(_ link: ChainRecord, _ totals: inout Totals) throws -> Result<Void, Break> {
        let name = ArtifactStore.manifestName
        guard let bytes = try store.read(link.runID, name) else {
            return .failure(Break(runID: link.runID, file: name, expected: link.manifestHash, found: "missing"))
        }
        guard let (manifest, claimed) = Manifest.parse(bytes) else {
            return .failure(Break(runID: link.runID, file: name, expected: link.manifestHash, found: "unreadable"))
        }
        let computed = manifest.manifestHash
        // The manifest must hash to what it claims, to what the catalog recorded, and link the same way.
        if computed != link.manifestHash {
            return .failure(Break(runID: link.runID, file: name, expected: link.manifestHash, found: computed))
        }
        if claimed != computed {
            return .failure(
                Break(runID: link.runID, file: name + " (manifest_hash)", expected: computed, found: claimed))
        }
        if manifest.chainPrev != link.chainPrev || manifest.runID != link.runID {
            return .failure(
                Break(
                    runID: link.runID, file: name + " (chain_prev)", expected: link.chainPrev ?? "null",
                    found: manifest.chainPrev ?? "null"))
        }
        totals.manifests += 1
        for file in manifest.files {
            guard ArtifactStore.contentType(file.name) != nil, let data = try store.read(link.runID, file.name) else {
                return .failure(Break(runID: link.runID, file: file.name, expected: file.sha256, found: "missing"))
            }
            let hash = InputHash.sha256Hex(data)
            guard hash == file.sha256, data.count == file.size else {
                return .failure(Break(runID: link.runID, file: file.name, expected: file.sha256, found: hash))
            }
            totals.files += 1
        }
        return .success(())
    }
}
