import BacktestService
import Foundation
import TestSupport
import Testing

@Suite struct FollowerScaleTests {
    /// Threads of this process (server and test share it).
    static func threadCount() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("Threads:") }
        return Int(line?.split(separator: "\t").last ?? "") ?? -1
    }

    @Test func manyFollowers_costTasksNotThreads() async throws {
        try await withRunningService(configure: { $0.workers = 1 }) { port, _ in
            try uploadWalk(port)
            let busy = try #require(try json(try call(port, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
            try waitUntilStatus(port, busy, "RUNNING")
            // Queued behind the busy run: its followers wait.
            let queued = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            let before = Self.threadCount()
            var followers: [TestClient] = []
            for _ in 0..<500 {
                let client = try TestClient(port: port, timeout: 60)
                try client.send(rawRequest("/runs/\(queued)/events?follow=1"))
                followers.append(client)
            }
            Thread.sleep(forTimeInterval: 0.5)
            #expect(Self.threadCount() - before < 20)
            _ = try call(port, "POST", "/runs/\(busy)/cancel")
            // Every follower gets the whole log and the end of the stream.
            var completed = 0
            for client in followers where try client.readResponse().text.contains("event: completed") { completed += 1 }
            #expect(completed == 500)
        }
    }
}
