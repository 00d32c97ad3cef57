import BacktestService
import Catalog
import Foundation
import Synchronization
import TestSupport
import Testing

/// Artifacts on a shared PostgreSQL catalog: kept in the catalog, sealed with DONE, so any node
/// serves them, `backtestd verify` re-hashes them there, and deletion and retention remove them.
@Suite struct SharedArtifactTests {
    static let names = ["manifest.json", "summary.json", "results.csv", "equity.csv", "trades.csv"]

    /// Node A runs the run; node B, started only after it was DONE and with a data directory of
    /// its own, serves the manifest and every file byte for byte, with the same ETags and 304s.
    @Test func artifactsAreServedByANodeThatDidNotRunTheRun() async throws {
        try await withPostgresDatabase { url in
            let directoryA = Paths.temporaryDirectory()
            try await withRunningService(configure: { $0.catalogURL = url }, directory: directoryA) { portA, _ in
                let id = try Artifacts.finishedRun(portA, seededGrid(71))
                // Nothing under A's data directory: the files are rows of the catalog.
                #expect(!FileManager.default.fileExists(atPath: Artifacts.directory(directoryA, id)))
                let fromA = try Self.names.map { name in
                    let response = try call(portA, "GET", "/runs/\(id)/artifacts/\(name)")
                    #expect(response.status == 200)
                    return response.body
                }
                try withRunningServiceBlocking(catalogURL: url) { portB in
                    let manifest = try Artifacts.manifest(portB, id)
                    #expect(manifest["run_id"]?.string == id)
                    #expect(manifest["files"]?.array?.count == 4)
                    for (name, a) in zip(Self.names, fromA) {
                        let b = try call(portB, "GET", "/runs/\(id)/artifacts/\(name)")
                        #expect(b.status == 200)
                        #expect(b.body == a)
                        #expect(!b.body.isEmpty)
                        #expect(b.header("ETag") == "\"\(InputHash.sha256Hex(a))\"")
                        let entry = manifest["files"]?.array?.first { $0["name"]?.string == name }
                        if name != "manifest.json" { #expect(entry?["sha256"]?.string == InputHash.sha256Hex(b.body)) }
                        let tag = try #require(b.header("ETag"))
                        let cached = try call(
                            portB, "GET", "/runs/\(id)/artifacts/\(name)", headers: ["If-None-Match: \(tag)"])
                        #expect(cached.status == 304)
                        #expect(cached.body.isEmpty)
                    }
                    #expect(try call(portB, "GET", "/runs/\(id)/artifacts/other.csv").status == 404)
                }
            }
        }
    }

    /// `verify` with `BACKTESTD_CATALOG_URL` re-hashes the files held in PostgreSQL (the data
    /// directory it is given is empty) and reports one byte changed in the database.
    @Test func verifyOnPostgres_detectsATamperedArtifactByte() async throws {
        try await withPostgresDatabase { url in
            let ids = Mutex<[String]>([])
            try await withRunningService(configure: { $0.catalogURL = url }) { port, _ in
                let made = try (72...73).map { try Artifacts.finishedRun(port, seededGrid($0)) }
                ids.withLock { $0 = made }
            }
            let empty = Paths.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: empty) }
            let environment = ["BACKTESTD_CATALOG_URL": url]
            let clean = try runBinary(["verify", "--data-dir", empty], environment: environment)
            #expect(clean.status == 0)
            #expect(clean.stdout == "ok: 2 manifests, 8 files\n")
            let id = try #require(ids.withLock { $0 }.first)
            let catalog = try Catalog(location: .postgres(url: url))
            var bytes = try #require(try catalog.artifactFile(runID: id, name: "results.csv"))
            let expected = InputHash.sha256Hex(bytes)
            let cluster = try #require(PostgresCluster.shared)
            let database = String(url.split(separator: "/").last ?? "")
            try cluster.execute(
                "UPDATE artifact_files SET bytes = set_byte(bytes, 10, get_byte(bytes, 10) # 1) "
                    + "WHERE run_id = '\(id)' AND name = 'results.csv'",
                database: database)
            bytes[10] ^= 1
            #expect(try catalog.artifactFile(runID: id, name: "results.csv") == bytes)
            let tampered = try runBinary(["verify", "--data-dir", empty], environment: environment)
            #expect(tampered.status == 1)
            #expect(
                tampered.stdout
                    == "break: run \(id), file results.csv: expected \(expected), found \(InputHash.sha256Hex(bytes))\n"
            )
        }
    }

    /// Retention (keep 1) and `DELETE` take a run's files out of the catalog with the run; the
    /// chain still verifies over the tombstones.
    @Test func deletionAndRetentionRemoveCatalogArtifacts() async throws {
        try await withPostgresDatabase { url in
            try await withRunningService(configure: {
                $0.catalogURL = url
                $0.retentionRuns = 1
            }) { port, _ in
                let catalog = try Catalog(location: .postgres(url: url))
                let first = try Artifacts.finishedRun(port, seededGrid(74))
                #expect(try catalog.artifactFileNames(runID: first) == Self.names.sorted())
                let second = try Artifacts.finishedRun(port, seededGrid(75))
                // Retention runs right after the second run's DONE commit: give it a moment.
                let deadline = Date().addingTimeInterval(5)
                while try !catalog.artifactFileNames(runID: first).isEmpty && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.02)
                }
                #expect(try catalog.artifactFileNames(runID: first).isEmpty)
                #expect(try call(port, "GET", "/runs/\(first)/artifacts").status == 404)
                #expect(try catalog.artifactFileNames(runID: second) == Self.names.sorted())
                #expect(try call(port, "DELETE", "/runs/\(second)").status == 204)
                #expect(try catalog.artifactFileNames(runID: second).isEmpty)
                let verified = try ChainVerifier(catalog: catalog, dataDirectory: Paths.temporaryDirectory()).verify()
                #expect(verified == .success(ChainVerifier.Totals()))
            }
        }
    }
}
