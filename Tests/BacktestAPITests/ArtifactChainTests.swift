import BacktestService
import Catalog
import Foundation
import TestSupport
import Testing

/// One chain per owner, linked through `chain_prev`, kept walkable across deletion and retention.
@Suite struct ArtifactChainTests {
    static func hash(_ port: UInt16, _ id: String, headers: [String] = []) throws -> String {
        try #require(try Artifacts.manifest(port, id, headers: headers)["manifest_hash"]?.string)
    }

    static func prev(_ port: UInt16, _ id: String, headers: [String] = []) throws -> JSONValue? {
        try Artifacts.manifest(port, id, headers: headers)["chain_prev"]
    }

    @Test func runsChainInOrderAndADeletedRunStaysAsATombstone() async throws {
        let directory = Paths.temporaryDirectory()
        try await withRunningService(directory: directory) { port, _ in
            let ids = try (11...13).map { try Artifacts.finishedRun(port, seededGrid($0)) }
            let hashes = try ids.map { try Self.hash(port, $0) }
            #expect(try Self.prev(port, ids[0]) == .null)
            #expect(try Self.prev(port, ids[1]) == .string(hashes[0]))
            #expect(try Self.prev(port, ids[2]) == .string(hashes[1]))

            #expect(try call(port, "DELETE", "/runs/\(ids[1])").status == 204)
            #expect(!FileManager.default.fileExists(atPath: Artifacts.directory(directory, ids[1])))
            #expect(try call(port, "GET", "/runs/\(ids[1])/artifacts").status == 404)
            let catalog = try Catalog(path: directory + "/catalog.sqlite")
            let tombstone = try #require(try catalog.chainLink(runID: ids[1]))
            #expect(tombstone.deletedAt != nil)
            #expect(tombstone.manifestHash == hashes[1])
            #expect(tombstone.chainPrev == hashes[0])

            let next = try Artifacts.finishedRun(port, seededGrid(14))
            #expect(try Self.prev(port, next) == .string(hashes[2]))
            let verified = try ChainVerifier(catalog: catalog, dataDirectory: directory).verify()
            var totals = ChainVerifier.Totals()
            totals.manifests = 3
            totals.files = 12
            #expect(verified == .success(totals))
        }
    }

    @Test func retentionTombstonesTheLinksOfTheRunsItRemoves() async throws {
        let directory = Paths.temporaryDirectory()
        try await withRunningService(configure: { $0.retentionRuns = 2 }, directory: directory) { port, _ in
            let ids = try (21...23).map { try Artifacts.finishedRun(port, seededGrid($0)) }
            let first = try #require(try Catalog(path: directory + "/catalog.sqlite").chainLink(runID: ids[0]))
            #expect(first.deletedAt != nil)
            // Retention runs right after the third run's DONE commit: give it a moment to finish.
            let deadline = Date().addingTimeInterval(5)
            while FileManager.default.fileExists(atPath: Artifacts.directory(directory, ids[0])) && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            #expect(!FileManager.default.fileExists(atPath: Artifacts.directory(directory, ids[0])))
            #expect(try call(port, "GET", "/runs/\(ids[0])").status == 404)
            #expect(try Self.prev(port, ids[1]) == .string(first.manifestHash))
            let catalog = try Catalog(path: directory + "/catalog.sqlite")
            guard case .success(let totals) = try ChainVerifier(catalog: catalog, dataDirectory: directory).verify()
            else {
                Issue.record("the chain does not verify")
                return
            }
            #expect(totals.manifests == 2)
            #expect(totals.files == 8)
        }
    }

    @Test func eachOwnerHasItsOwnChainAndConcurrentWorkersNeverForkIt() async throws {
        let directory = Paths.temporaryDirectory()
        try await withRunningService(configure: { $0.workers = 2 }, directory: directory) { port, service in
            let alice = bearer(try makeKey(service, owner: "alice", tier: "pro"))
            let bob = bearer(try makeKey(service, owner: "bob", tier: "pro"))
            let bobFirst = try Artifacts.finishedRun(port, seededGrid(31), headers: bob)
            // Submitted together: two workers finish alice's runs side by side.
            let ids = try (32...37).map { try Artifacts.submit(port, seededGrid($0), headers: alice) }
            for id in ids { #expect(try waitUntilFinished(port, id, headers: alice)["status"] == "DONE") }
            let bobSecond = try Artifacts.finishedRun(port, seededGrid(38), headers: bob)
            #expect(try Self.prev(port, bobFirst, headers: bob) == .null)
            #expect(
                try Self.prev(port, bobSecond, headers: bob) == .string(try Self.hash(port, bobFirst, headers: bob)))
            let catalog = try Catalog(path: directory + "/catalog.sqlite")
            let chain = try catalog.chain(owner: "alice")
            #expect(chain.count == 6)
            #expect(chain.last?.chainPrev == nil)
            // Linear: every link names the one recorded just before it.
            for (newer, older) in zip(chain, chain.dropFirst()) { #expect(newer.chainPrev == older.manifestHash) }
            let verifier = ChainVerifier(catalog: catalog, dataDirectory: directory)
            guard case .success(let totals) = try verifier.verify(owner: "alice") else {
                Issue.record("alice's chain does not verify")
                return
            }
            #expect(totals.manifests == 6)
            guard case .success(let all) = try verifier.verify() else {
                Issue.record("the chains do not verify")
                return
            }
            #expect(all.manifests == 8)
        }
    }
}
