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
            let (busy, queued) = try Self.busyAndQueued(port)
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

    /// A long run holding the one worker, and a small run queued behind it (whose followers wait).
    static func busyAndQueued(_ port: UInt16) throws -> (busy: String, queued: String) {
        try uploadWalk(port)
        let busy = try #require(try json(try call(port, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
        try waitUntilStatus(port, busy, "RUNNING")
        let queued = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
        return (busy, queued)
    }

    /// Raises the soft descriptor limit to the hard one; the descriptors now available.
    static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        return Int(limit.rlim_cur)
    }

    @Test func fiveThousandWebSocketFollowers_costTasksNotThreads_andGetTheSameList() async throws {
        // Client and server ends both live in this process: two descriptors per follower.
        let followerCount = min(5000, (Self.raiseDescriptorLimit() - 1000) / 2)
        #expect(followerCount == 5000, "the descriptor limit allows only \(followerCount) followers")
        try await withRunningService(configure: { $0.workers = 1 }) { port, _ in
            let (busy, queued) = try Self.busyAndQueued(port)
            let before = Self.threadCount()
            var followers: [TestClient] = []
            for _ in 0..<followerCount {
                let client = try TestClient(port: port, timeout: 60)
                try client.send(
                    rawRequest(
                        "/runs/\(queued)/ws",
                        headers: [
                            "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: \(TestClient.sampleKey)",
                            "Sec-WebSocket-Version: 13",
                        ]))
                followers.append(client)
            }
            for client in followers { #expect(try client.readResponse().status == 101) }
            #expect(Self.threadCount() - before < 20)
            _ = try call(port, "POST", "/runs/\(busy)/cancel")
            var lists: [String: Int] = [:]
            for client in followers {
                let (frames, code) = try followSocket(client)
                #expect(code == 1000)
                lists[frames.map { JSONWriter.compact($0) }.joined(separator: "\n"), default: 0] += 1
            }
            #expect(lists.count == 1)
            #expect(lists.values.first == followerCount)
            #expect(lists.keys.first?.contains(#""event":"completed""#) == true)
        }
    }
}
