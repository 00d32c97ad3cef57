import Foundation
import TestSupport
import Testing

@testable import Catalog

/// Cancel through any node, the catalog's part: a QUEUED run ends at once, a RUNNING one is
/// flagged (and stays flagged until it stops), a finished one is left alone; and the cancel
/// notification's payload is taken only in the exact shape the catalog writes.
@Suite struct CatalogCancelTests {
    static let cancelledData = #"{"message":null,"status":"CANCELLED"}"#

    @Test(arguments: Backend.allCases)
    func queuedRunningAndFinished_areEachHandledOnce(_ backend: Backend) throws {
        try withTemporaryCatalog(backend) { catalog, _ in
            _ = try catalog.insertRun(.make(id: "a", hash: "1"), queueCapacity: 10)
            _ = try catalog.insertRun(.make(id: "b", hash: "2"), queueCapacity: 10)
            let lease = RunLease(owner: "node-a", milliseconds: 60_000)
            // The oldest QUEUED run is claimed: "a" runs, "b" waits.
            let (claimed, _) = try #require(
                try catalog.claimNextQueued(at: "t", lease: lease, eventData: { _ in "{}" }))
            let (running, queued) = ("a", "b")
            #expect(claimed.id == running)
            #expect(try catalog.cancelRequestedRuns().isEmpty)

            let (first, event) = try #require(
                try catalog.requestCancel(id: queued, owner: "local", at: "t1", eventData: Self.cancelledData))
            #expect(first.status == .cancelled)
            #expect(event?.type == "cancelled")
            // A second cancel of the now finished run changes nothing and writes no event.
            let (again, none) = try #require(
                try catalog.requestCancel(id: queued, owner: "local", at: "t2", eventData: Self.cancelledData))
            #expect(again.status == .cancelled && none == nil)
            #expect(try catalog.events(runID: queued, after: -1).filter { $0.type == "cancelled" }.count == 1)

            #expect(try !catalog.isCancelRequested(id: running))
            for _ in 0..<2 {
                let (flagged, noEvent) = try #require(
                    try catalog.requestCancel(id: running, owner: "local", at: "t3", eventData: Self.cancelledData))
                #expect(flagged.status == .running && noEvent == nil)
            }
            #expect(try catalog.isCancelRequested(id: running))
            #expect(try catalog.cancelRequestedRuns() == [running])
            // Another owner's run is missing to them, and stays unflagged by them.
            #expect(try catalog.requestCancel(id: running, owner: "mallory", at: "t", eventData: "{}") == nil)
            #expect(try catalog.requestCancel(id: "missing", owner: "local", at: "t", eventData: "{}") == nil)

            // Once the run stopped (CANCELLED through its claim) it is no longer asked of anyone.
            _ = try catalog.finishRun(
                id: running, status: .cancelled, at: "t4", error: nil, grid: nil, best: nil, results: [],
                eventType: "cancelled", eventData: Self.cancelledData,
                claim: RunClaim(owner: "node-a", attempt: claimed.attempts))
            #expect(try catalog.cancelRequestedRuns().isEmpty)
            #expect(try !catalog.isCancelRequested(id: running))
        }
    }

    @Test func whatTheCatalogWrites_readsBack() {
        #expect(EventListener.parseCancel(Catalog.cancelPayload(runID: "run_0123")) == "run_0123")
    }

    /// Anyone who may connect can NOTIFY on the channel: only the exact shape is taken, and even
    /// then it is a hint to read the flag, never a cancel by itself.
    @Test func forgedCancelPayloads_areDropped() {
        let long = String(repeating: "r", count: 129)
        for payload in [
            #"{"run_id":""}"#, #"{"run_id":7}"#, #"{"run_id":"a b"}"#, #"{"run_id":"\#(long)"}"#,
            #"{"run_id":"r","seq":1}"#, #"["run_id","r"]"#, #"{"run":"r"}"#, "not json", "", #"{"run_id":"é"}"#,
            #"{"run_id":"r\u0000"}"#,
        ] {
            #expect(EventListener.parseCancel(payload) == nil, "\(payload)")
        }
        #expect(EventListener.parseCancel(#"{"run_id":"\#(String(repeating: "r", count: 128))"}"#) != nil)
    }
}
