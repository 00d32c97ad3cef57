import BacktestService
import Foundation
import TestSupport
import Testing

/// Two services on one PostgreSQL database (two nodes): a run executed on A is followed over SSE
/// on B, whose events arrive through NOTIFY and are read from the catalog by seq.
@Suite(.serialized) struct CrossNodeEventTests {
    /// B's follower gets every event, in order, byte for byte what A's own follower gets; a
    /// `Last-Event-ID` resume on B, from a seq A had written, gets exactly the rest.
    @Test func runOnA_followedOnB_matchesAsStream_andResumes() async throws {
        try await withTwoNodes { portA, portB, _, runID in
            let stored = frames(try call(portA, "GET", "/runs/\(runID)/events").text).events
            let resumeFrom = try #require(stored.last?.id)
            let texts = Texts()
            DispatchQueue.concurrentPerform(iterations: 3) { index in
                let (port, headers) = [(portA, [String]()), (portB, []), (portB, ["Last-Event-ID: \(resumeFrom)"])][
                    index]
                guard let client = try? TestClient(port: port, timeout: 120),
                    (try? client.send(rawRequest("/runs/\(runID)/events?follow=1", headers: headers))) != nil,
                    let response = try? client.readResponse()
                else { return }
                texts.set(index, response.text)
            }
            let onA = try #require(texts.get(0))
            let onB = try #require(texts.get(1))
            let resumed = frames(try #require(texts.get(2))).events
            let events = frames(onB).events
            #expect(events.count > stored.count)  // B followed a run still producing events
            #expect(events.map(\.id) == Array(0..<events.count))
            #expect(events.last?.type == "completed")
            #expect(withoutComments(onB) == withoutComments(onA))
            #expect(resumed.map(\.id) == Array((resumeFrom + 1)..<events.count))
            #expect(try json(try call(portB, "GET", "/runs/\(runID)"))["status"] == "DONE")
        }
    }

    /// B's LISTEN connection cut mid-run (`pg_terminate_backend`): its follower still gets every
    /// event (read by seq while it reconnects), and it listens again on a new connection.
    @Test func listenConnectionKilled_noEventIsLost() async throws {
        try await withTwoNodes { portA, portB, serviceB, runID, cluster, database in
            let before = serviceB.eventListenerPID
            #expect(before != 0)
            let texts = Texts()
            let followed = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                if let client = try? TestClient(port: portB, timeout: 120),
                    (try? client.send(rawRequest("/runs/\(runID)/events?follow=1"))) != nil,
                    let response = try? client.readResponse()
                {
                    texts.set(0, response.text)
                }
                followed.signal()
            }
            Thread.sleep(forTimeInterval: 0.3)
            try cluster.execute("SELECT pg_terminate_backend(\(before))", database: database)
            followed.wait()
            let events = frames(try #require(texts.get(0))).events
            let stored = frames(try call(portA, "GET", "/runs/\(runID)/events").text).events
            #expect(events.map(\.id) == stored.map(\.id))
            #expect(events.last?.type == "completed")
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && (serviceB.eventListenerPID == 0 || serviceB.eventListenerPID == before) {
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(serviceB.eventListenerPID != 0 && serviceB.eventListenerPID != before)
        }
    }
}

private func withoutComments(_ text: String) -> String {
    text.components(separatedBy: "\n\n").filter { !$0.hasPrefix(":") }.joined(separator: "\n\n")
}

/// A runs a long run (RUNNING on A before B starts, so B's worker cannot take it); B is a second
/// node on the same database.
private func withTwoNodes(
    _ test: String = #function,
    _ body: @escaping @Sendable (UInt16, UInt16, BacktestService, String, PostgresCluster, String) throws -> Void
) async throws {
    try await withPostgresDatabase(test) { url, cluster, database in
        try await withRunningService(configure: {
            $0.catalogURL = url
            $0.progressEveryBarVariants = 2_000_000
        }) { portA, _ in
            try uploadWalk(portA, bars: 10_000)
            let runID = try #require(try json(try call(portA, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
            try waitUntilStatus(portA, runID, "RUNNING")
            try withNode(catalogURL: url) { portB, serviceB in
                try body(portA, portB, serviceB, runID, cluster, database)
            }
        }
    }
}

private func withTwoNodes(
    _ test: String = #function, _ body: @escaping @Sendable (UInt16, UInt16, BacktestService, String) throws -> Void
) async throws {
    try await withTwoNodes(test) { portA, portB, serviceB, runID, _, _ in try body(portA, portB, serviceB, runID) }
}

/// A second node from blocking code, with its service.
private func withNode(catalogURL: String, _ body: @escaping @Sendable (UInt16, BacktestService) throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let texts = Texts()
    Task {
        do {
            try await withRunningService(configure: {
                $0.catalogURL = catalogURL
                $0.eventPollSeconds = 0.05
            }) { port, service in try body(port, service) }
        } catch {
            texts.set(-1, "\(error)")
        }
        done.signal()
    }
    done.wait()
    if let failure = texts.get(-1) { throw TestClient.Failure(message: failure) }
}

/// Strings gathered across threads, by index.
private final class Texts: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int: String] = [:]
    func set(_ index: Int, _ text: String) { lock.withLock { stored[index] = text } }
    func get(_ index: Int) -> String? { lock.withLock { stored[index] } }
}
