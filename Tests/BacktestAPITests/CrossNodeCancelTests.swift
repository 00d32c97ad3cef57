import BacktestService
import Foundation
import TestSupport
import Testing

/// Cancel through any node (PostgreSQL, in-process nodes on one database): a run executing on A
/// is cancelled through B; a lost notification only delays a cancel (the heartbeat reads the
/// flag); a forged notification cancels nothing.
@Suite(.serialized) struct CrossNodeCancelTests {
    /// B answers 202 (the run is RUNNING on A), A stops at its next checkpoint, the run ends
    /// CANCELLED once, a follower on B gets the `cancelled` event, both nodes show it; a second
    /// cancel (through A) is harmless.
    @Test func runningOnA_cancelledThroughB() async throws {
        // A's heartbeat is far off: only the notification can stop the run before it is DONE.
        try await withRunOnA(heartbeatSeconds: 30) { portA, runID, url, _, _ in
            try withSecondNode(catalogURL: url) { portB, _ in
                let followed = NodeTexts()
                let following = DispatchSemaphore(value: 0)
                DispatchQueue.global().async {
                    if let client = try? TestClient(port: portB, timeout: 120),
                        (try? client.send(rawRequest("/runs/\(runID)/events?follow=1"))) != nil,
                        let response = try? client.readResponse()
                    {
                        followed.set(0, response.text)
                    }
                    following.signal()
                }
                Thread.sleep(forTimeInterval: 0.2)
                let answer = try call(portB, "POST", "/runs/\(runID)/cancel")
                #expect(answer.status == 202)
                #expect(try json(answer)["status"] == "RUNNING")
                #expect(try waitUntilFinished(portB, runID)["status"] == "CANCELLED")
                following.wait()
                #expect(frames(try #require(followed.get(0))).events.last?.type == "cancelled")
                for port in [portA, portB] {
                    let events = frames(try call(port, "GET", "/runs/\(runID)/events").text).events
                    #expect(events.filter { $0.type == "cancelled" }.count == 1)
                    #expect(events.last?.type == "cancelled")
                    #expect(try json(try call(port, "GET", "/runs/\(runID)"))["status"] == "CANCELLED")
                }
                let again = try call(portA, "POST", "/runs/\(runID)/cancel")
                #expect(again.status == 200)
                #expect(try json(again)["status"] == "CANCELLED")
                #expect(
                    frames(try call(portB, "GET", "/runs/\(runID)/events").text).events.count
                        == frames(try call(portA, "GET", "/runs/\(runID)/events").text).events.count)
            }
        }
    }

    /// A forged notification (no flag set) leaves the run alone; a flag set without any
    /// notification (one lost while A's LISTEN connection was cut) still stops the run, at A's
    /// next heartbeat.
    @Test func forgedNotificationIgnored_lostNotificationCaughtByTheHeartbeat() async throws {
        try await withRunOnA(heartbeatSeconds: 0.2) { portA, runID, _, cluster, database in
            try cluster.execute(
                #"SELECT pg_notify('backtestd_cancels', '{"run_id":"\#(runID)"}')"#, database: database)
            try cluster.execute(#"SELECT pg_notify('backtestd_cancels', 'garbage')"#, database: database)
            Thread.sleep(forTimeInterval: 0.6)  // three heartbeats of A
            #expect(try json(try call(portA, "GET", "/runs/\(runID)"))["status"] == "RUNNING")
            try cluster.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'",
                database: database)
            try cluster.execute("UPDATE runs SET cancel_requested = 1 WHERE id = '\(runID)'", database: database)
            #expect(try waitUntilFinished(portA, runID, seconds: 30)["status"] == "CANCELLED")
            let events = frames(try call(portA, "GET", "/runs/\(runID)/events").text).events
            #expect(events.filter { $0.type == "cancelled" }.count == 1)
        }
    }
}

/// Node A on a fresh database of the test cluster, with a long grid RUNNING on it, renewing its
/// leases (and reading cancel flags) every `heartbeatSeconds`.
private func withRunOnA(
    heartbeatSeconds: Double, _ test: String = #function,
    _ body: @escaping @Sendable (UInt16, String, String, PostgresCluster, String) throws -> Void
) async throws {
    try await withPostgresDatabase(test) { url, cluster, database in
        try await withRunningService(configure: {
            $0.catalogURL = url
            $0.leaseHeartbeatSeconds = heartbeatSeconds
            $0.leaseSeconds = max(heartbeatSeconds * 4, 20)  // never lapsing on a loaded machine
        }) { portA, _ in
            try uploadWalk(portA)
            let runID = try #require(try json(try call(portA, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
            try waitUntilStatus(portA, runID, "RUNNING")
            try body(portA, runID, url, cluster, database)
        }
    }
}
