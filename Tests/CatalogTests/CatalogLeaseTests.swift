import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Catalog

/// Run leases on both backends: exclusive claims across catalogs, renewal, the leader's reaping
/// of expired leases, the attempts limit and the fence that keeps a lapsed claim from finishing.
@Suite struct CatalogLeaseTests {
    static func lease(_ owner: String, _ milliseconds: Int = 60_000) -> RunLease {
        RunLease(owner: owner, milliseconds: milliseconds)
    }

    static func reap(_ catalog: Catalog, maxAttempts: Int = 3) throws -> Catalog.Recovery {
        try catalog.reapExpiredLeases(
            at: "t", maxAttempts: maxAttempts, requeuedData: { #"{"reason":"lease of \#($0 ?? "-") expired"}"# },
            failedData: { #"{"attempts":\#($0)}"# }, failedMessage: { "expired \($0) times" })
    }

    /// Three catalogs (three nodes) with two claiming threads each drain 60 runs: every run is
    /// claimed exactly once, under the lease of the node that claimed it.
    @Test(arguments: Backend.allCases)
    func claims_areExclusiveAcrossThreeCatalogs(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { first, location in
            for index in 0..<60 {
                _ = try first.insertRun(.make(id: "r\(index)", hash: "\(index)"), queueCapacity: 100)
            }
            let catalogs = [first, try reopen(backend, location), try reopen(backend, location)]
            let claims = Mutex<[String: [String]]>([:])
            DispatchQueue.concurrentPerform(iterations: 6) { worker in
                let node = "node\(worker % 3)"
                while let (run, _) = try? catalogs[worker % 3].claimNextQueued(
                    at: "t", lease: Self.lease(node), eventData: { _ in "{}" })
                {
                    claims.withLock { $0[run.id, default: []].append(node) }
                }
            }
            let claimed = claims.withLock { $0 }
            #expect(claimed.count == 60)
            #expect(claimed.values.allSatisfy { $0.count == 1 })
            for (id, nodes) in claimed {
                #expect(try Self.owner(first, id) == nodes.first)
            }
            #expect(try first.runCounts()[.running] == 60)
        }
    }

    static func owner(_ catalog: Catalog, _ id: String) throws -> String? {
        try catalog.read { database in
            let statement = try database.prepare("SELECT lease_owner FROM runs WHERE id = ?").bind(.text(id))
            return try statement.step() ? statement.text(0) : nil
        }
    }

    /// A lease left to lapse is re-queued once, by the leader, with an event naming the node;
    /// a live lease is left alone; on PostgreSQL a second catalog does not lead meanwhile.
    @Test(arguments: Backend.allCases)
    func expiredLease_isReapedOnceByTheLeader(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, location in
            _ = try catalog.insertRun(.make(id: "dead", hash: "1"), queueCapacity: 10)
            _ = try catalog.insertRun(.make(id: "live", hash: "2"), queueCapacity: 10)
            _ = try catalog.claimNextQueued(at: "t", lease: Self.lease("gone", 50), eventData: { _ in "{}" })
            _ = try catalog.claimNextQueued(at: "t", lease: Self.lease("alive"), eventData: { _ in "{}" })
            let other = try reopen(backend, location)
            #expect(try catalog.tryLead())
            #expect(try catalog.tryLead())  // still, and re-asking does not stack the lock
            #expect(try other.tryLead() == (backend == .sqlite))
            Thread.sleep(forTimeInterval: 0.2)
            let reaped = try Self.reap(catalog)
            #expect(reaped.requeued.map(\.runID) == ["dead"])
            #expect(reaped.failed.isEmpty)
            #expect(reaped.requeued.first?.data == #"{"reason":"lease of gone expired"}"#)
            #expect(try Self.reap(catalog).requeued.isEmpty)
            let run = try #require(try catalog.run(id: "dead", owner: "local"))
            #expect(run.status == .queued)
            #expect(run.attempts == 1)
            #expect(try Self.owner(catalog, "dead") == nil)
            #expect(try catalog.run(id: "live", owner: "local")?.status == .running)
            #expect(try catalog.events(runID: "dead", after: -1).map(\.type) == ["stage", "stage", "stage"])
            // The leader resigns: the other catalog leads now.
            try catalog.resign()
            #expect(try other.tryLead())
        }
    }

    /// Renewals keep a short lease alive past several lease periods; once they stop, it lapses.
    @Test(arguments: Backend.allCases)
    func heartbeat_keepsALongRunsLeaseAlive(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "long", hash: "1"), queueCapacity: 10)
            _ = try catalog.claimNextQueued(at: "t", lease: Self.lease("n1", 300), eventData: { _ in "{}" })
            for _ in 0..<10 {
                Thread.sleep(forTimeInterval: 0.1)
                #expect(try catalog.renewLeases(Self.lease("n1", 300)) == 1)
                #expect(try Self.reap(catalog).requeued.isEmpty)
            }
            #expect(try catalog.renewLeases(Self.lease("n2", 300)) == 0)
            Thread.sleep(forTimeInterval: 0.5)
            #expect(try Self.reap(catalog).requeued.map(\.runID) == ["long"])
        }
    }

    /// Each reaped claim counts: at the attempts limit the run ends ERROR with the reason.
    @Test(arguments: Backend.allCases)
    func attemptsPastTheLimit_endTheRunAsError(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "poison", hash: "1"), queueCapacity: 10)
            for attempt in 1...2 {
                let claimed = try #require(
                    try catalog.claimNextQueued(at: "t", lease: Self.lease("n", 20), eventData: { _ in "{}" }))
                #expect(claimed.0.attempts == attempt)
                Thread.sleep(forTimeInterval: 0.1)
                let reaped = try Self.reap(catalog, maxAttempts: 2)
                #expect(reaped.requeued.count == (attempt < 2 ? 1 : 0))
                #expect(reaped.failed.count == (attempt < 2 ? 0 : 1))
            }
            let run = try #require(try catalog.run(id: "poison", owner: "local"))
            #expect(run.status == .error)
            #expect(run.error == "expired 2 times")
            #expect(try catalog.events(runID: "poison", after: -1).last?.type == "failed")
            #expect(try catalog.claimNextQueued(at: "t", lease: Self.lease("n"), eventData: { _ in "{}" }) == nil)
        }
    }

    /// A claim whose lease was reaped cannot finish the run; the current claim does, once.
    @Test(arguments: Backend.allCases)
    func lapsedClaim_cannotFinishTheRun(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "r", hash: "1"), queueCapacity: 10)
            _ = try catalog.claimNextQueued(at: "t", lease: Self.lease("a", 20), eventData: { _ in "{}" })
            Thread.sleep(forTimeInterval: 0.1)
            #expect(try Self.reap(catalog).requeued.count == 1)
            let second = try #require(
                try catalog.claimNextQueued(at: "t", lease: Self.lease("b"), eventData: { _ in "{}" }))
            func finish(_ claim: RunClaim) throws -> EventRecord? {
                try catalog.finishRun(
                    id: "r", status: .done, at: "t", error: nil, grid: "{}", best: "{}",
                    results: [ResultRow(rank: 1, variantKey: claim.owner, body: "{}")], eventType: "completed",
                    eventData: "{}", claim: claim)
            }
            #expect(try finish(RunClaim(owner: "a", attempt: 1)) == nil)
            #expect(try finish(RunClaim(owner: "b", attempt: second.0.attempts)) != nil)
            #expect(try finish(RunClaim(owner: "b", attempt: second.0.attempts)) == nil)
            #expect(try catalog.results(runID: "r", limit: 10).map(\.variantKey) == ["b"])
        }
    }

    /// A claim whose lease was reaped can no longer write the run's events or progress (another
    /// claim writes them now); the new claim can, until the run is finished.
    @Test(arguments: Backend.allCases)
    func lapsedClaim_cannotAppendEventsOrProgress(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "r", hash: "1"), queueCapacity: 10)
            let first = try #require(
                try catalog.claimNextQueued(at: "t", lease: Self.lease("a", 20), eventData: { _ in "{}" }))
            let lapsed = RunClaim(owner: "a", attempt: first.0.attempts)
            func append(_ claim: RunClaim, _ id: String = "r") throws -> ClaimedEvent {
                try catalog.appendEvent(runID: id, type: "progress", timestamp: "t", data: claim.owner, claim: claim)
            }
            #expect(
                try append(lapsed)
                    == .appended(EventRecord(runID: "r", seq: 2, type: "progress", timestamp: "t", data: "a")))
            #expect(try catalog.updateProgress(runID: "r", done: 1, total: 4, claim: lapsed))
            Thread.sleep(forTimeInterval: 0.1)
            #expect(try Self.reap(catalog).requeued.count == 1)
            #expect(try append(lapsed) == .superseded)
            #expect(try !catalog.updateProgress(runID: "r", done: 2, total: 4, claim: lapsed))
            let second = try #require(
                try catalog.claimNextQueued(at: "t", lease: Self.lease("b"), eventData: { _ in "{}" }))
            let current = RunClaim(owner: "b", attempt: second.0.attempts)
            // The same node under an older attempt is another claim too.
            #expect(try append(RunClaim(owner: "b", attempt: current.attempt - 1)) == .superseded)
            #expect(try append(lapsed) == .superseded)
            guard case .appended = try append(current) else {
                Issue.record("the current claim could not append")
                return
            }
            #expect(try catalog.updateProgress(runID: "r", done: 3, total: 4, claim: current))
            #expect(try catalog.run(id: "r", owner: "local")?.progressDone == 3)
            _ = try catalog.finishRun(
                id: "r", status: .done, at: "t", error: nil, grid: "{}", best: "{}", results: [],
                eventType: "completed", eventData: "{}", claim: current)
            #expect(try append(current) == .superseded)
            #expect(try append(current, "missing") == .gone)
            let events = try catalog.events(runID: "r", after: -1)
            #expect(events.last?.type == "completed")
            #expect(events.filter { $0.type == "progress" }.map(\.data) == ["a", "b"])
        }
    }

    /// Start-up on a shared catalog recovers only the runs its own node id held; a graceful
    /// shutdown hands a node's runs back to the queue at once.
    @Test(arguments: Backend.allCases)
    func recoveryByOwner_andRelease_touchOnlyThatNodesRuns(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "mine", hash: "1"), queueCapacity: 10)
            _ = try catalog.insertRun(.make(id: "theirs", hash: "2"), queueCapacity: 10)
            _ = try catalog.claimNextQueued(at: "t", lease: Self.lease("me"), eventData: { _ in "{}" })
            _ = try catalog.claimNextQueued(at: "t", lease: Self.lease("them"), eventData: { _ in "{}" })
            let recovery = try catalog.recoverInterrupted(
                at: "t", maxAttempts: 3, leaseOwner: "me", requeuedData: "{}", failedData: { _ in "{}" },
                failedMessage: { _ in "" })
            #expect(recovery.requeued.map(\.runID) == ["mine"])
            #expect(try catalog.run(id: "theirs", owner: "local")?.status == .running)
            let released = try catalog.releaseLeases(owner: "them", at: "t", requeuedData: "{}")
            #expect(released.map(\.runID) == ["theirs"])
            #expect(try catalog.runCounts()[.queued] == 2)
            #expect(try catalog.releaseLeases(owner: "them", at: "t", requeuedData: "{}").isEmpty)
        }
    }
}
