import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Catalog

/// Grid chunks on both backends: exclusive claims across catalogs, only for RUNNING runs, the
/// fence on finishing, the tally, re-queueing of lapsed chunk leases and the attempts limit.
@Suite struct CatalogChunkTests {
    static func lease(_ owner: String, _ milliseconds: Int = 60_000) -> RunLease {
        RunLease(owner: owner, milliseconds: milliseconds)
    }

    static func running(_ catalog: Catalog, _ id: String, chunks: Int) throws {
        _ = try catalog.insertRun(.make(id: id, hash: id), queueCapacity: 100)
        _ = try catalog.claimNextQueued(at: "t", lease: lease("claimer"), eventData: { _ in "{}" })
        try catalog.createChunks(runID: id, ranges: (0..<chunks).map { $0 * 10..<$0 * 10 + 10 })
    }

    static func reap(_ catalog: Catalog, maxAttempts: Int = 3) throws -> Catalog.Recovery {
        try catalog.reapExpiredLeases(
            at: "t", maxAttempts: maxAttempts, requeuedData: { _ in "{}" }, failedData: { #"{"attempts":\#($0)}"# },
            failedMessage: { "expired \($0) times" })
    }

    /// 40 chunks drained by three catalogs × two threads: each claimed and stored once, the
    /// tally complete, the partials back in chunk order.
    @Test(arguments: Backend.allCases)
    func chunks_areClaimedOnceAcrossThreeCatalogs(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { first, location in
            try Self.running(first, "run", chunks: 40)
            // Recording them again (a second claim of the run) changes nothing.
            try first.createChunks(runID: "run", ranges: (0..<40).map { $0 * 10..<$0 * 10 + 10 })
            let catalogs = [first, try reopen(backend, location), try reopen(backend, location)]
            let claims = Mutex<[Int: Int]>([:])
            DispatchQueue.concurrentPerform(iterations: 6) { worker in
                let catalog = catalogs[worker % 3]
                while let claim = try? catalog.claimChunk(lease: Self.lease("node\(worker % 3)")) {
                    claims.withLock { $0[claim.index, default: 0] += 1 }
                    _ = try? catalog.finishChunk(claim, partial: [UInt8(claim.index)])
                }
            }
            #expect(claims.withLock { $0 }.count == 40)
            #expect(claims.withLock { $0 }.values.allSatisfy { $0 == 1 })
            #expect(try first.chunkTally(runID: "run") == ChunkTally(chunks: 40, done: 40, doneVariants: 400))
            #expect(try first.chunkPartials(runID: "run") == (0..<40).map { [UInt8($0)] })
            // Not while the run is RUNNING: a claimer that lost the run must not take the chunks
            // from under the run's current claimer.
            try first.deleteChunks(runID: "run")
            #expect(try first.chunkTally(runID: "run").chunks == 40)
            // Recorded again with other bounds (a claimer with another chunk size): the first stay.
            try first.createChunks(runID: "run", ranges: [0..<400])
            #expect(try first.chunkTally(runID: "run") == ChunkTally(chunks: 40, done: 40, doneVariants: 400))
            let finished = try first.finishRun(
                id: "run", status: .cancelled, at: "t", error: nil, grid: nil, best: nil, results: [],
                eventType: "cancelled", eventData: "{}")
            #expect(finished != nil)
            // A second, unfenced finish (another node ending the run) finds it finished: no second event.
            let again = try catalogs[1].finishRun(
                id: "run", status: .error, at: "t", error: "late", grid: nil, best: nil, results: [],
                eventType: "failed", eventData: "{}")
            #expect(again == nil)
            try first.deleteChunks(runID: "run")
            #expect(try first.chunkTally(runID: "run") == ChunkTally())
        }
    }

    @Test(arguments: Backend.allCases)
    func onlyChunksOfRunningRunsAreClaimed_andOnlyTheCurrentClaimFinishes(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "queued", hash: "q"), queueCapacity: 10)
            try catalog.createChunks(runID: "queued", ranges: [0..<5, 5..<9])
            #expect(try catalog.claimChunk(lease: Self.lease("a")) == nil)
            _ = try catalog.claimNextQueued(at: "t", lease: Self.lease("claimer"), eventData: { _ in "{}" })
            let claim = try #require(try catalog.claimChunk(runID: "queued", lease: Self.lease("a")))
            #expect(claim.index == 0 && claim.range == 0..<5 && claim.attempt == 1)
            var stale = claim
            stale.owner = "b"
            #expect(try catalog.finishChunk(stale, partial: [1]).stored == false)
            stale = claim
            stale.attempt = 2
            #expect(try catalog.finishChunk(stale, partial: [1]).stored == false)
            let (stored, tally) = try catalog.finishChunk(claim, partial: [7])
            #expect(stored)
            #expect(tally == ChunkTally(chunks: 2, done: 1, doneVariants: 5))
            #expect(try catalog.finishChunk(claim, partial: [8]).stored == false)
            // A released chunk is claimed again with its attempt given back.
            let second = try #require(try catalog.claimChunk(lease: Self.lease("a")))
            try catalog.releaseChunk(second)
            #expect(try catalog.claimChunk(lease: Self.lease("c"))?.attempt == 1)
            #expect(try catalog.chunkPartials(runID: "queued") == [[7]])
        }
    }

    /// A lapsed chunk lease is re-queued by the leader's sweep and re-done once; the lapsed
    /// claim cannot store its result afterwards; renewals keep a live one.
    @Test(arguments: Backend.allCases)
    func lapsedChunkLease_isRequeuedOnce(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            try Self.running(catalog, "run", chunks: 2)
            let dead = try #require(try catalog.claimChunk(lease: Self.lease("gone", 50)))
            let live = try #require(try catalog.claimChunk(lease: Self.lease("alive", 150)))
            Thread.sleep(forTimeInterval: 0.1)
            #expect(try catalog.renewLeases(Self.lease("alive", 60_000)) == 1)
            Thread.sleep(forTimeInterval: 0.1)
            #expect(try catalog.tryLead())
            let reaped = try Self.reap(catalog)
            #expect(reaped.failed.isEmpty)
            #expect(try catalog.run(id: "run", owner: "local")?.status == .running)
            #expect(try Self.reap(catalog).failed.isEmpty)
            let again = try #require(try catalog.claimChunk(lease: Self.lease("other")))
            #expect(again.index == dead.index && again.attempt == 2)
            #expect(try catalog.claimChunk(lease: Self.lease("other")) == nil)
            #expect(try catalog.finishChunk(dead, partial: [1]).stored == false)
            #expect(try catalog.finishChunk(again, partial: [2]).stored)
            #expect(try catalog.finishChunk(live, partial: [3]).tally.isComplete)
            #expect(try catalog.chunkPartials(runID: "run") == [[2], [3]])
        }
    }

    /// A chunk whose lease lapsed on its `max_run_attempts`-th claim ends the run ERROR.
    @Test(arguments: Backend.allCases)
    func chunkLapsingOnEveryAttempt_endsTheRunError(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            try Self.running(catalog, "run", chunks: 1)
            for attempt in 1...2 {
                #expect(try catalog.claimChunk(lease: Self.lease("gone", 20))?.attempt == attempt)
                Thread.sleep(forTimeInterval: 0.05)
                #expect(try Self.reap(catalog, maxAttempts: 2).failed.isEmpty == (attempt < 2))
            }
            let run = try #require(try catalog.run(id: "run", owner: "local"))
            #expect(run.status == .error)
            #expect(run.error == "expired 2 times")
            #expect(try catalog.claimChunk(lease: Self.lease("x")) == nil)
        }
    }

    /// Shutdown and start-up give a node's chunks back.
    @Test(arguments: Backend.allCases)
    func releaseAtShutdown_givesTheNodesChunksBack(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            try Self.running(catalog, "run", chunks: 2)
            _ = try #require(try catalog.claimChunk(lease: Self.lease("mine")))
            _ = try #require(try catalog.claimChunk(lease: Self.lease("theirs")))
            _ = try catalog.releaseLeases(owner: "mine", at: "t", requeuedData: "{}")
            let claim = try #require(try catalog.claimChunk(lease: Self.lease("next")))
            #expect(claim.index == 0)
        }
    }
}
