import Foundation
import Testing

@testable import Catalog

/// Artifact files held in the catalog: stored by the transaction that seals the run and only by
/// it, removed with the run by deletion and by retention.
@Suite struct CatalogArtifactFileTests {
    static let files = [
        ArtifactFile(name: "results.csv", bytes: Array("rank\n1\n".utf8)),
        ArtifactFile(name: "manifest.json", bytes: [0, 255, 10, 13, 0]),
    ]

    static func finish(_ catalog: Catalog, _ id: String, files: [ArtifactFile] = files) throws -> EventRecord? {
        try catalog.finishRun(
            id: id, status: .done, at: "t", error: nil, grid: nil, best: nil, results: [], eventType: "completed",
            eventData: "{}",
            chainLink: ChainRecord(
                runID: id, owner: "local", manifestHash: "m-\(id)",
                chainPrev: try catalog.chainHead(owner: "local")?.manifestHash, createdAt: "t"),
            artifactFiles: files)
    }

    @Test(arguments: Backend.allCases)
    func filesAreStoredWithDoneAndOnlyThen(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "r0", hash: "0"), queueCapacity: 10)
            #expect(try catalog.artifactFile(runID: "r0", name: "results.csv") == nil)
            #expect(try Self.finish(catalog, "r0") != nil)
            #expect(try catalog.artifactFileNames(runID: "r0") == ["manifest.json", "results.csv"])
            // Bytes come back exactly, NUL and all.
            #expect(try catalog.artifactFile(runID: "r0", name: "manifest.json") == [0, 255, 10, 13, 0])
            // A second finish stores nothing: the run is finished already.
            let other = [ArtifactFile(name: "results.csv", bytes: [1])]
            #expect(try Self.finish(catalog, "r0", files: other) == nil)
            #expect(try catalog.artifactFile(runID: "r0", name: "results.csv") == Array("rank\n1\n".utf8))
            // A claim that lost its lease stores neither the state nor the files.
            _ = try catalog.insertRun(.make(id: "r1", hash: "1"), queueCapacity: 10)
            let lost = try catalog.finishRun(
                id: "r1", status: .done, at: "t", error: nil, grid: nil, best: nil, results: [], eventType: "completed",
                eventData: "{}", artifactFiles: Self.files, claim: RunClaim(owner: "gone", attempt: 7))
            #expect(lost == nil)
            #expect(try catalog.artifactFileNames(runID: "r1").isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func deletionAndRetentionRemoveTheFiles(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            for index in 0..<3 {
                _ = try catalog.insertRun(.make(id: "r\(index)", hash: "\(index)"), queueCapacity: 10)
                _ = try Self.finish(catalog, "r\(index)")
            }
            #expect(try catalog.deleteRun(id: "r2", owner: "local"))
            #expect(try catalog.artifactFileNames(runID: "r2").isEmpty)
            #expect(try catalog.applyRetention(keep: 1) == ["r0"])
            #expect(try catalog.artifactFileNames(runID: "r0").isEmpty)
            #expect(try catalog.artifactFileNames(runID: "r1").count == 2)
        }
    }
}
