import BacktestService
import Foundation
import TestSupport
import Testing

/// Clock ticks (1/100 s) of CPU a process has used, user + system (`/proc/PID/stat` fields 14, 15).
func cpuTicks(_ pid: Int32) throws -> Int {
    let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
    guard let close = text.lastIndex(of: ")") else { throw TestClient.Failure(message: "bad stat") }
    let fields = text[text.index(after: close)...].split(separator: " ")
    // After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else {
        throw TestClient.Failure(message: "bad stat fields")
    }
    return user + system
}

/// Waits until `GET /healthz` answers 200 (true) or `seconds` pass.
func answersHealth(_ port: UInt16, within seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let response = try? call(port, "GET", "/healthz"), response.status == 200 { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}

@Suite(.serialized) struct ProcessResilienceTests {
    @Test func acceptOutOfDescriptors_backsOffInsteadOfSpinningAndRecovers() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Paths.binary), "build the executable first (swift build)")
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServerProcess(dataDirectory: directory, fileLimit: 64)
        var stopped = false
        defer { if !stopped { server.terminate() } }
        let pid = server.process.processIdentifier
        #expect(answersHealth(server.port, within: 5))
        // More connections than the child has descriptors: the kernel completes them into the
        // backlog, the server accepts until EMFILE.
        var clients: [TestClient] = []
        for _ in 0..<150 { clients.append(try TestClient(port: server.port, timeout: 2)) }
        Thread.sleep(forTimeInterval: 0.5)
        let before = try cpuTicks(pid)
        Thread.sleep(forTimeInterval: 1)
        let used = try cpuTicks(pid) - before
        // A loop polling a listener it cannot accept from burns ~100 ticks a second.
        #expect(used < 15, "the child used \(used) ticks of CPU in 1 s while out of descriptors")
        clients.removeAll()
        #expect(answersHealth(server.port, within: 10))
        #expect(server.process.isRunning)
        // SIGTERM still stops it cleanly: its signal descriptors were made before any connection.
        stopped = true
        #expect(server.terminate() == 0)
    }

    @Test func sigpipeIsIgnoredAndResetsMidResponseDoNotKillTheServer() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Paths.binary), "build the executable first (swift build)")
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServerProcess(dataDirectory: directory)
        defer { _ = server.terminate() }
        let status = try String(contentsOfFile: "/proc/\(server.process.processIdentifier)/status", encoding: .utf8)
        let ignored = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }.flatMap {
            UInt64($0.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        }
        #expect(ignored.map { $0 & (1 << (UInt64(SIGPIPE) - 1)) != 0 } == true)
        let datasets = try json(try call(server.port, "GET", "/datasets"))["datasets"]?.array ?? []
        let id = try #require(datasets.first { $0["symbol"] == "GOOG" }?["dataset_id"]?.string)
        for _ in 0..<20 {
            let client = try TestClient(port: server.port)
            try client.send(rawRequest("/datasets/\(id)/candles?limit=100000"))
            _ = try client.readLine()  // the response has started
            var reset = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
        }
        #expect(answersHealth(server.port, within: 5))
        #expect(server.process.isRunning)
    }
}
