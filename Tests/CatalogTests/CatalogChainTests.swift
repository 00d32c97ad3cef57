import Foundation
import Testing

@testable import Catalog

/// The artifact chain rows: recorded with DONE, tombstoned (never removed) by deletion and retention.
@Suite struct CatalogChainTests {
    static func finish(_ catalog: Catalog, _ id: String, prev: String?) throws -> EventRecord? {
        try catalog.finishRun(
            id: id, status: .done, at: "t", error: nil, grid: nil, best: nil, results: [], eventType: "completed",
            eventData: "{}",
            chainLink: ChainRecord(
                runID: id, owner: "local", manifestHash: "m-\(id)", chainPrev: prev, createdAt: "t"))
    }

    @Test(arguments: Backend.allCases)
    func theLinkIsRecordedWithDoneAndOnlyThen(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            #expect(try catalog.chainHead(owner: "local") == nil)
            _ = try catalog.insertRun(.make(id: "r0", hash: "0"), queueCapacity: 10)
            #expect(try Self.finish(catalog, "r0", prev: nil) != nil)
            #expect(try catalog.chainHead(owner: "local")?.manifestHash == "m-r0")
            // A run already finished takes no second link (the transaction stores nothing).
            #expect(try Self.finish(catalog, "r0", prev: "m-r0") == nil)
            #expect(try catalog.chain(owner: "local").count == 1)
            _ = try catalog.insertRun(.make(id: "r1", hash: "1"), queueCapacity: 10)
            _ = try Self.finish(catalog, "r1", prev: "m-r0")
            #expect(try catalog.chain(owner: "local").map(\.runID) == ["r1", "r0"])
            #expect(try catalog.chainOwners() == ["local"])
            #expect(try catalog.chainHead(owner: "other") == nil)
        }
    }

    /// Two nodes sealing runs of one owner at once would both link to the same head; the second
    /// commit is refused and writes nothing, so it can seal again after the new head.
    @Test(arguments: Backend.allCases)
    func aLinkBehindTheHead_isRefusedAndNothingIsWritten(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, location in
            let other = try reopen(backend, location)
            for index in 0..<3 {
                _ = try catalog.insertRun(.make(id: "r\(index)", hash: "\(index)"), queueCapacity: 10)
            }
            _ = try Self.finish(catalog, "r0", prev: nil)
            _ = try Self.finish(other, "r1", prev: "m-r0")
            #expect(throws: ChainHeadMoved.self) { try Self.finish(catalog, "r2", prev: "m-r0") }
            #expect(try catalog.run(id: "r2", scope: .any)?.status == .queued)
            #expect(try catalog.events(runID: "r2", after: -1).allSatisfy { $0.type != "completed" })
            #expect(try catalog.chain(owner: "local").map(\.runID) == ["r1", "r0"])
            #expect(try Self.finish(catalog, "r2", prev: "m-r1") != nil)
            #expect(try catalog.chain(owner: "local").map(\.chainPrev) == ["m-r1", "m-r0", nil])
        }
    }

    @Test(arguments: Backend.allCases)
    func deletionAndRetentionLeaveTombstones(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            for index in 0..<4 {
                _ = try catalog.insertRun(.make(id: "r\(index)", hash: "\(index)"), queueCapacity: 10)
                _ = try Self.finish(catalog, "r\(index)", prev: index == 0 ? nil : "m-r\(index - 1)")
            }
            #expect(try catalog.deleteRun(id: "r3", owner: "local"))
            #expect(try catalog.deleteRun(id: "r3", owner: "local") == false)
            #expect(try catalog.applyRetention(keep: 2) == ["r0"])
            let chain = try catalog.chain(owner: "local")
            #expect(chain.map(\.runID) == ["r3", "r2", "r1", "r0"])
            #expect(chain.map { $0.deletedAt != nil } == [true, false, false, true])
            // The tombstone time is in the service's form: 2026-01-01T00:00:00.000Z.
            #expect(chain.first?.deletedAt?.count == 24)
            #expect(chain.first?.deletedAt?.hasSuffix("Z") == true)
            #expect(try catalog.chainHead(owner: "local")?.manifestHash == "m-r3")
        }
    }
}
