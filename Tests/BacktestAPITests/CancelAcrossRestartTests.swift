import Catalog
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import BacktestService

/// A cancel accepted for a RUNNING run is kept in the catalog (`cancel_requested`): a run that
/// is re-queued before it stopped (the process stopped first) is cancelled when it is claimed
/// again, not run to DONE.
@Suite struct CancelAcrossRestartTests {
    @Test func cancelFlagOfARequeuedRun_cancelsItAtItsNextClaim() async throws {
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = Mutex("")
        try await withRunningService(directory: directory, keepDirectory: true) { port, _ in
            try uploadWalk(port)
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
            try waitUntilStatus(port, runID, "RUNNING")
            // The flag as a cancel leaves it, written beside the service (which therefore never
            // hears of it): the service then stops, leaving the run RUNNING.
            let catalog = try Catalog(path: directory + "/catalog.sqlite")
            let run = try #require(try catalog.run(id: runID, scope: .any))
            _ = try catalog.requestCancel(id: runID, owner: run.owner, at: Identifiers.now(), eventData: "{}")
            #expect(try catalog.isCancelRequested(id: runID))
            started.withLock { $0 = runID }
        }
        let runID = started.withLock { $0 }
        try await withRunningService(directory: directory, keepDirectory: true) { port, _ in
            let run = try waitUntilFinished(port, runID, seconds: 120)
            #expect(run["status"] == "CANCELLED")
            let events = frames(try call(port, "GET", "/runs/\(runID)/events").text).events
            #expect(events.filter { $0.type == "cancelled" }.count == 1)
            #expect(!events.contains { $0.type == "completed" })
        }
    }
}
