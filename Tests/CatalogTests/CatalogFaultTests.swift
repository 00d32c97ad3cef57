import CSQLite
import Foundation
import Testing

@testable import Catalog

@Suite struct CatalogAttemptTests {
    private func recover(_ catalog: Catalog, maxAttempts: Int) throws -> Catalog.Recovery {
        try catalog.recoverInterrupted(
            at: "t", maxAttempts: maxAttempts, requeuedData: #"{"status":"QUEUED"}"#,
            failedData: { #"{"attempts":\#($0)}"# }, failedMessage: { "interrupted \($0) times" })
    }

    @Test(arguments: Backend.allCases)
    func aRunInterruptedOnEveryAttemptEndsAsErrorAtTheLimit(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "poison", hash: "p"), queueCapacity: 10)
            // Attempts 1 and 2 (below the limit of 3) go back to the queue.
            for attempt in 1...2 {
                #expect(try catalog.claimNextQueued(at: "t", eventData: { _ in "{}" })?.0.attempts == attempt)
                let recovery = try recover(catalog, maxAttempts: 3)
                #expect(recovery.requeued.map(\.runID) == ["poison"])
                #expect(recovery.failed.isEmpty)
            }
            // Attempt 3 reaches the limit: ERROR with a reason and one terminal event.
            #expect(try catalog.claimNextQueued(at: "t", eventData: { _ in "{}" })?.0.attempts == 3)
            let recovery = try recover(catalog, maxAttempts: 3)
            #expect(recovery.requeued.isEmpty)
            #expect(recovery.failed.map(\.runID) == ["poison"])
            let run = try catalog.run(id: "poison", owner: "local")
            #expect(run?.status == .error)
            #expect(run?.error == "interrupted 3 times")
            #expect(try catalog.events(runID: "poison", after: -1).last?.type == "failed")
            #expect(try catalog.claimNextQueued(at: "t", eventData: { _ in "{}" }) == nil)
        }
    }

    @Test(arguments: Backend.allCases)
    func aGracefulShutdownGivesTheAttemptBack(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "r", hash: "r"), queueCapacity: 10)
            _ = try catalog.claimNextQueued(at: "t", eventData: { _ in "{}" })
            try catalog.releaseAttempt(runID: "r")
            #expect(try catalog.run(id: "r", owner: "local")?.attempts == 0)
            #expect(try recover(catalog, maxAttempts: 1).requeued.map(\.runID) == ["r"])
        }
    }
}

@Suite struct CatalogFaultTests {
    private func withFaultyCatalog(
        _ backend: Backend = .sqlite, test: String = #function, _ body: (Catalog, CatalogFaults) throws -> Void
    ) throws {
        let faults = CatalogFaults()
        try withTemporaryCatalog(backend, faults: faults, test: test) { catalog, _ in try body(catalog, faults) }
    }

    @Test(arguments: Backend.allCases)
    func theNthWriteFailsWithTheChosenCodeAndNothingElse(_ backend: Backend) throws {
        try withFaultyCatalog(backend) { catalog, faults in
            faults.failWrites(startingAt: 2, resultCode: SQLITE_FULL)
            _ = try catalog.insertRun(.make(id: "a", hash: "a"), queueCapacity: 10)
            do {
                _ = try catalog.insertRun(.make(id: "b", hash: "b"), queueCapacity: 10)
                Issue.record("the second write must fail")
            } catch let error as SQLiteError {
                #expect(error.code == "catalog.io")
                #expect(error.resultCode == SQLITE_FULL)
            }
            _ = try catalog.insertRun(.make(id: "c", hash: "c"), queueCapacity: 10)
            #expect(try catalog.run(id: "b", owner: "local") == nil)
            #expect(try catalog.run(id: "c", owner: "local") != nil)
            #expect(faults.writesSeen == 3)
        }
    }

    @Test(arguments: Backend.allCases)
    func appendingToADeletedRunIsNotAnError(_ backend: Backend) throws {
        try withFaultyCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "gone", hash: "g"), queueCapacity: 10)
            try catalog.deleteRun(id: "gone", owner: "local")
            #expect(try catalog.appendEvent(runID: "gone", type: "progress", timestamp: "t", data: "{}") == nil)
        }
    }

    /// A real SQLITE_FULL from SQLite itself: the database may not grow past its current pages.
    @Test func aFullDatabaseRefusesTheWriteAndKeepsWhatWasCommitted() throws {
        try withFaultyCatalog { catalog, _ in
            _ = try catalog.insertRun(.make(id: "kept", hash: "k"), queueCapacity: 10)
            try catalog.write { database in
                let pages = try database.scalarText("PRAGMA page_count") ?? "0"
                try database.execute("PRAGMA max_page_count = \(pages)")
            }
            let big = ResultRow(rank: 1, variantKey: "k", body: String(repeating: "x", count: 1 << 20))
            do {
                _ = try catalog.finishRun(
                    id: "kept", status: .done, at: "t", error: nil, grid: nil, best: nil, results: [big],
                    eventType: "completed", eventData: "{}")
                Issue.record("a full database must refuse the results")
            } catch let error as SQLiteError {
                #expect(error.resultCode & 0xFF == SQLITE_FULL)
            }
            #expect(try catalog.run(id: "kept", owner: "local")?.status == .queued)
            // The small terminal write still fits: the run can end as ERROR.
            #expect(
                try catalog.finishRun(
                    id: "kept", status: .error, at: "t", error: "disk full", grid: nil, best: nil, results: [],
                    eventType: "failed", eventData: "{}") != nil)
        }
    }
}

@Suite struct CheckpointTests {
    /// Commits never pay for copying the WAL back: the writer's automatic checkpoint is off and a
    /// background connection does it.
    @Test func theWriterNeverCheckpointsAndTheBackgroundCopyEmptiesTheWAL() throws {
        try withTemporaryCatalog { catalog, path in
            #expect(try catalog.write { try $0.scalarText("PRAGMA wal_autocheckpoint") } == "0")
            _ = try catalog.insertRun(.make(id: "w", hash: "w"), queueCapacity: 10)
            let walBefore = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
            #expect(walBefore > 0)
            let (frames, copied) = try catalog.checkpoint()
            #expect(frames > 0)
            #expect(copied == frames)
        }
    }
}
