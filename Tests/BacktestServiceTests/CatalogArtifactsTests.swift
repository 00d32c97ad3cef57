import Catalog
import Foundation
import Testing

@testable import BacktestService

/// The artifact storage a catalog gets, and the size limit of files kept in the catalog.
@Suite struct CatalogArtifactsTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("art-\(UUID().uuidString)").path

    func makeCatalog() throws -> Catalog {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try Catalog(path: directory + "/catalog.sqlite")
    }

    @Test func aSQLiteCatalogKeepsFilesOnDisk() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = artifactStorage(catalog: try makeCatalog(), dataDirectory: directory)
        #expect(storage is ArtifactStore)
        // Written to disk, nothing handed to the sealing transaction.
        let carried = try storage.stage("run_a", [ArtifactFile(name: "results.csv", bytes: [1, 2])])
        #expect(carried.isEmpty)
        #expect(try storage.read("run_a", "results.csv") == [1, 2])
        #expect(try storage.stageManifest("run_a", [3]).isEmpty)
        #expect(FileManager.default.fileExists(atPath: directory + "/artifacts/run_a/manifest.json"))
    }

    /// At the limit a file is carried; one byte more is refused with a reason.
    @Test func catalogFilesAreLimitedAtNAndRefusedAtNPlusOne() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var storage = CatalogArtifacts(catalog: try makeCatalog(), legacy: ArtifactStore(dataDirectory: directory))
        storage.maxFileBytes = 8
        let atLimit = [
            ArtifactFile(name: "summary.json", bytes: []),
            ArtifactFile(name: "equity.csv", bytes: Array(repeating: 7, count: 8)),
        ]
        let staged = try storage.stage("run_b", atLimit)
        #expect(staged == atLimit)
        let over = [ArtifactFile(name: "equity.csv", bytes: Array(repeating: 7, count: 9))]
        let refused = Result { try storage.stage("run_b", over) }
        guard case .failure(let error) = refused else {
            Issue.record("a file one byte over the limit was taken")
            return
        }
        #expect(error is CatalogArtifacts.TooLarge)
        #expect("\(error)" == "artifact equity.csv is 9 bytes; the catalog takes at most 8")
        let manifest = try storage.stageManifest("run_b", [1])
        #expect(manifest == [ArtifactFile(name: "manifest.json", bytes: [1])])
        // Nothing was written to disk, and nothing is in the catalog before a seal.
        #expect(!FileManager.default.fileExists(atPath: directory + "/artifacts/run_b"))
        let read = try storage.read("run_b", "equity.csv")
        #expect(read == nil)
    }

    /// A run sealed before the catalog kept files still has them under this node's data directory.
    @Test func aRunWithoutRowsIsReadFromTheDataDirectory() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let files = ArtifactStore(dataDirectory: directory)
        let storage = CatalogArtifacts(catalog: try makeCatalog(), legacy: files)
        _ = try files.stage("run_old", [ArtifactFile(name: "trades.csv", bytes: [4, 5])])
        let read = try storage.read("run_old", "trades.csv")
        #expect(read == [4, 5])
        storage.remove("run_old")
        #expect(!FileManager.default.fileExists(atPath: directory + "/artifacts/run_old"))
    }
}
