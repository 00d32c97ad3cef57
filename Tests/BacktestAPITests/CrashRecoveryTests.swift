import BacktestService
import Foundation
import Synchronization
import TestSupport
import Testing

/// Bytes a child process wrote, collected as they arrive.
final class CapturedOutput: Sendable {
    private let data = Mutex(Data())
    func append(_ chunk: Data) { data.withLock { $0.append(chunk) } }
    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// A `backtestd serve` child process on an ephemeral port.
final class ServerProcess {
    let process = Process()
    let port: UInt16
    /// Everything the child wrote on stdout (its JSON log lines, access log included when on).
    let log = CapturedOutput()

    /// `fileLimit` lowers RLIMIT_NOFILE for the child (through the shell's `ulimit`, then `exec`);
    /// `environment` adds `BACKTESTD_*` settings over the defaults below.
    init(
        dataDirectory: String, fileLimit: Int? = nil, host: String = "127.0.0.1", accessLog: Bool = false,
        environment extra: [String: String] = [:]
    ) throws {
        let serve = ["serve", "--host", host, "--port", "0", "--data-dir", dataDirectory]
        if let fileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "ulimit -n \(fileLimit) && exec \"$0\" \"$@\"", Paths.binary] + serve
        } else {
            process.executableURL = URL(fileURLWithPath: Paths.binary)
            process.arguments = serve
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BACKTESTD_") }
        environment["BACKTESTD_SAMPLES_DIR"] = Paths.samples
        environment["BACKTESTD_ACCESS_LOG"] = accessLog ? "true" : "false"
        environment["BACKTESTD_WORKERS"] = "1"
        process.environment = environment.merging(extra) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first log line that says "listening" carries the bound port.
        var buffer = Data()
        let deadline = Date().addingTimeInterval(30)
        var found: UInt16?
        while found == nil && Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.contains("listening")
            {
                found = (try? JSONParser.parse(String(line)))?["port"]?.string.flatMap { UInt16($0) }
            }
        }
        guard let found else {
            process.terminate()
            throw TestClient.Failure(message: "child server did not report its port")
        }
        port = found
        // Keep draining stdout so the child never blocks on a full pipe; keep it for the tests.
        log.append(buffer)
        let kept = log
        output.fileHandleForReading.readabilityHandler = { handle in kept.append(handle.availableData) }
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then SIGKILL if the child has not exited within 20 s (so a hung shutdown fails
    /// the test with a signal status instead of hanging the suite).
    @discardableResult
    func terminate() -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

@Suite(.serialized) struct CrashRecoveryTests {
    static let grid =
        #"{"symbol":"WALK","timeframe":"1h","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":40,"step":1}},"slow":{"range":{"start":41,"stop":160,"step":1}}},"execution":{"fee_bps":5}}"#

    /// Results of a run, without the run id (which differs between catalogs).
    static func outcome(_ port: UInt16, _ runID: String) throws -> String {
        let document = try json(try call(port, "GET", "/runs/\(runID)/results"))
        return JSONWriter.canonical(
            .object([("results", document["results"] ?? .null), ("grid", document["grid"] ?? .null)]))
    }

    @Test func killedMidGrid_theRunIsRequeuedAndFinishesWithTheSameResults() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Paths.binary), "build the executable first (swift build)")
        let crashed = Paths.temporaryDirectory()
        let clean = Paths.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: crashed)
            try? FileManager.default.removeItem(atPath: clean)
        }
        let csv = randomWalkCSV(bars: 20_000, seed: 11)
        // 1. Start, submit, kill -9 while RUNNING.
        var first = try ServerProcess(dataDirectory: crashed)
        #expect(
            try call(first.port, "POST", "/datasets?symbol=WALK&timeframe=1h", body: csv, contentType: "text/csv")
                .status == 201)
        let runID = try #require(
            try json(try call(first.port, "POST", "/backtests", body: Self.grid))["run_id"]?.string)
        try waitUntilStatus(first.port, runID, "RUNNING")
        Thread.sleep(forTimeInterval: 0.3)
        first.kill9()
        // 2. Restart on the same data dir: the run is re-queued and completes.
        first = try ServerProcess(dataDirectory: crashed)
        let finished = try waitUntilFinished(first.port, runID, seconds: 300)
        #expect(finished["status"] == "DONE")
        let events = frames(try call(first.port, "GET", "/runs/\(runID)/events").text).events
        #expect(events.contains { $0.data["data"]?["reason"]?.string?.contains("re-queued") == true })
        #expect(events.filter { ["completed", "failed", "cancelled"].contains($0.type) }.count == 1)
        #expect(events.map(\.id) == Array(0..<events.count))
        let recovered = try Self.outcome(first.port, runID)
        #expect(first.terminate() == 0)
        // 3. The same request uninterrupted on a fresh catalog gives identical results.
        let second = try ServerProcess(dataDirectory: clean)
        #expect(
            try call(second.port, "POST", "/datasets?symbol=WALK&timeframe=1h", body: csv, contentType: "text/csv")
                .status == 201)
        let cleanID = try #require(
            try json(try call(second.port, "POST", "/backtests", body: Self.grid))["run_id"]?.string)
        #expect(try waitUntilFinished(second.port, cleanID, seconds: 300)["status"] == "DONE")
        #expect(try Self.outcome(second.port, cleanID) == recovered)
        #expect(second.terminate() == 0)
    }
}
