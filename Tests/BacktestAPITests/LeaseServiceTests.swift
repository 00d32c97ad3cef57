import Catalog
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import BacktestService

/// Nodes sharing a PostgreSQL catalog through leases, end to end.
@Suite struct LeaseServiceTests {
    /// A node dies holding a run (it claimed it and never renews: a killed process). The leader
    /// re-queues it once its lease lapses, with an event naming the node, and another node runs
    /// it to DONE exactly once, with the results a single SQLite node gives.
    @Test func runOfADeadNode_isFinishedOnceByAnother_likeOnASingleNode() async throws {
        let reference = Mutex<JSONValue>(.null)
        try await withRunningService { port, _ in
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let results = try json(try call(port, "GET", "/runs/\(runID)/results"))["results"] ?? .null
            reference.withLock { $0 = results }
        }
        let expected = reference.withLock { $0 }
        #expect(expected.array?.isEmpty == false)
        try await withPostgresDatabase { url in
            try await withRunningService(configure: {
                $0.catalogURL = url
                $0.workers = 1
                $0.leaseSeconds = 1
                $0.leaseHeartbeatSeconds = 0.1
            }) { portA, serviceA in
                // Node A takes no work, so the run waits for the dead node to claim it.
                serviceA.retireWorker(0)
                let deadline = Date().addingTimeInterval(10)
                while serviceA.pool.liveness.alive > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
                let submitted = try call(portA, "POST", "/backtests", body: smallGrid)
                let runID = try #require(try json(submitted)["run_id"]?.string)
                let dead = try Catalog(location: .postgres(url: url))
                let claimed = try dead.claimNextQueued(
                    at: Identifiers.now(), lease: RunLease(owner: "dead-node", milliseconds: 300),
                    eventData: { _ in #"{"status":"RUNNING"}"# })
                #expect(claimed?.0.id == runID)
                try withRunningServiceBlocking(catalogURL: url) { portB in
                    let run = try waitUntilFinished(portB, runID)
                    #expect(run["status"] == "DONE")
                    let (events, _) = frames(try call(portB, "GET", "/runs/\(runID)/events").text)
                    #expect(events.filter { $0.type == "completed" }.count == 1)
                    #expect(
                        events.contains {
                            $0.data["data"]?["reason"]?.string == "re-queued: the lease of node dead-node expired"
                        })
                    let results = try json(try call(portB, "GET", "/runs/\(runID)/results"))["results"]
                    #expect(results == expected)
                }
                // Every node reports the same single terminal state.
                #expect(try json(try call(portA, "GET", "/runs/\(runID)"))["status"] == "DONE")
            }
        }
    }
}
