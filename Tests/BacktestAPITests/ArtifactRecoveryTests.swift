import BacktestService
import CSQLite
import Catalog
import Foundation
import Synchronization
import TestSupport
import Testing

/// A process that stops between writing a run's files and recording DONE leaves the run RUNNING;
/// the restart re-queues it and writes the same bytes again (only `created_at` differs).
@Suite struct ArtifactRecoveryTests {
    /// The manifest without what a redo may change.
    static func stable(_ manifest: [UInt8]) throws -> String {
        let value = try JSONParser.parse(manifest)
        let members = (value.objectMembers ?? []).filter { $0.0 != "created_at" && $0.0 != "manifest_hash" }
        return JSONWriter.canonical(.object(members))
    }

    @Test func aRunStoppedAfterItsManifestIsRedoneWithTheSameBytes() async throws {
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let faults = CatalogFaults()
        let submitted = Mutex("")
        // First life: the manifest is written, then the DONE commit keeps failing until shutdown
        // (the same state a kill between the two leaves: files on disk, the run RUNNING).
        try await withRunningService(
            configure: { configuration in
                configuration.catalogFaults = faults
                configuration.catalogRetry.attempts = 2
                configuration.catalogRetry.initialDelaySeconds = 0.001
                configuration.catalogRetry.maxDelaySeconds = 0.01
            }, directory: directory, keepDirectory: true
        ) { port, _ in
            faults.failWrites(startingAt: 1, count: .max, resultCode: SQLITE_IOERR, matching: "finishRun")
            let runID = try Artifacts.submit(port, seededGrid(41))
            submitted.withLock { $0 = runID }
            let manifest = Artifacts.directory(directory, runID) + "/manifest.json"
            let deadline = Date().addingTimeInterval(30)
            while !FileManager.default.fileExists(atPath: manifest) && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            #expect(FileManager.default.fileExists(atPath: manifest))
            Thread.sleep(forTimeInterval: 0.2)
            #expect(try json(try call(port, "GET", "/runs/\(runID)"))["status"] == "RUNNING")
        }
        let runID = submitted.withLock { $0 }
        let folder = Artifacts.directory(directory, runID)
        let firstManifest = try #require(FileManager.default.contents(atPath: folder + "/manifest.json"))
        let firstSummary = try #require(FileManager.default.contents(atPath: folder + "/summary.json"))
        let firstResults = try #require(FileManager.default.contents(atPath: folder + "/results.csv"))
        // A crash in the middle of rewriting a file: a torn temporary and a truncated file.
        try Data("rank,vari".utf8).write(to: URL(fileURLWithPath: folder + "/.equity.csv.tmp"))
        try firstResults.prefix(10).write(to: URL(fileURLWithPath: folder + "/results.csv"))

        // Second life: the run is re-queued and completes.
        try await withRunningService(directory: directory, keepDirectory: true) { port, _ in
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let manifest = try call(port, "GET", "/runs/\(runID)/artifacts")
            #expect(try Self.stable(manifest.body) == Self.stable([UInt8](firstManifest)))
            #expect(try json(manifest)["created_at"] != (try JSONParser.parse([UInt8](firstManifest)))["created_at"])
            #expect(try call(port, "GET", "/runs/\(runID)/artifacts/summary.json").body == [UInt8](firstSummary))
            #expect(try call(port, "GET", "/runs/\(runID)/artifacts/results.csv").body == [UInt8](firstResults))
        }
        let catalog = try Catalog(path: directory + "/catalog.sqlite")
        #expect(try catalog.chain(owner: "local").count == 1)
        guard case .success(let totals) = try ChainVerifier(catalog: catalog, dataDirectory: directory).verify() else {
            Issue.record("the chain does not verify after the redo")
            return
        }
        #expect(totals.manifests == 1)
        #expect(totals.files == 4)
    }
}
