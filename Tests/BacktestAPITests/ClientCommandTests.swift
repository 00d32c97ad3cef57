import BacktestAPI
import BacktestService
import Foundation
import HTTPServer
import TestSupport
import Testing

@testable import backtestd

/// The command-line client, run as the built binary against a live server.
@Suite struct ClientCommandTests {
    typealias Outcome = BinaryOutcome

    func client(_ arguments: [String], port: UInt16) throws -> Outcome {
        try runBinary(arguments, environment: ["BACKTESTD_SERVER": "http://127.0.0.1:\(port)"])
    }

    @Test func submitFollow_results_andEveryExitCode() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary), "build the executable first")
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let request = directory + "/request.json"
        try smallGrid.write(toFile: request, atomically: true, encoding: .utf8)
        try await withRunningService(configure: { $0.workers = 1 }) { port, _ in
            // 0: followed to DONE (plain lines off a terminal), the best variant printed.
            let followed = try client(["submit", request, "--follow", "--idempotency-key", "cli-1"], port: port)
            #expect(followed.status == 0, "\(followed.stderr)")
            #expect(followed.stdout.contains("stage {\"status\":\"RUNNING\"}"))
            #expect(followed.stdout.contains("completed"))
            #expect(followed.stdout.contains("best                fast="))
            let runID = try #require(followed.stdout.split(separator: " ").first.map(String.init))
            // The same key again: the same run.
            #expect(
                try client(["submit", request, "--idempotency-key", "cli-1"], port: port).stdout.hasPrefix(
                    runID + " exists"))
            // CSV parsed back equals the server's numbers.
            let csv = try client(["results", runID, "--format", "csv", "--limit", "3"], port: port)
            #expect(csv.status == 0)
            let lines = csv.stdout.split(separator: "\n")
            #expect(
                lines.first
                    == "rank,variant_key,total_return_pct,sharpe_ratio,max_drawdown_pct,total_trades,win_rate_pct")
            let results = try json(try call(port, "GET", "/runs/\(runID)/results?limit=3"))["results"]?.array ?? []
            #expect(lines.count == 1 + results.count)
            for (line, row) in zip(lines.dropFirst(), results) {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                #expect(Double(fields.last ?? "") == row["metrics"]?["win_rate_pct"]?.number)
                #expect(Double(fields[fields.count - 5]) == row["metrics"]?["total_return_pct"]?.number)
            }
            // --format json is the server's JSON untouched.
            let raw = try client(["show", runID, "--json"], port: port)
            #expect(try JSONParser.parse(raw.stdout)["run_id"] == .string(runID))
            // 3: refused, with the envelope's message on stderr.
            let missing = try client(["show", "run_missing"], port: port)
            #expect(missing.status == 3)
            #expect(missing.stderr.contains("run run_missing not found"))
            // 2: usage.
            #expect(try client(["runs", "--limit", "many"], port: port).status == 2)
            // 4: unreachable.
            #expect(try client(["runs", "--server", "http://127.0.0.1:1"], port: port).status == 4)
            // 1: the followed run ends CANCELLED.
            try uploadWalk(port)
            let long = directory + "/long.json"
            try walkGrid.write(toFile: long, atomically: true, encoding: .utf8)
            let cancelled = try offPoolCancel(port: port) { try client(["submit", long, "--follow"], port: port) }
            #expect(cancelled.status == 1)
            #expect(cancelled.stderr.contains("CANCELLED"))
            #expect(try client(["runs", "--status", "CANCELLED"], port: port).stdout.contains("CANCELLED"))
        }
    }

    /// Runs `follow` while cancelling the newest running run from here once it runs.
    func offPoolCancel(port: UInt16, _ follow: @escaping @Sendable () throws -> Outcome) throws -> Outcome {
        let result = LockedOutcome()
        let thread = Thread { result.set(Result { try follow() }) }
        thread.start()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let running = try json(try call(port, "GET", "/runs?status=RUNNING"))["runs"]?.array ?? []
            if let id = running.first?["run_id"]?.string {
                _ = try call(port, "POST", "/runs/\(id)/cancel")
                break
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try result.wait().get()
    }

    /// The server goes away mid-stream and comes back on the same port: the follower resumes after
    /// the last event it saw, prints no event twice and ends with the run.
    @Test func follow_resumesAfterTheServerDropsTheStream() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.binary), "build the executable first")
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = ServiceConfiguration(dataDirectory: directory)
        configuration.samplesDirectory = Paths.samples
        configuration.workers = 1
        configuration.progressEveryBarVariants = 20_000_000
        let service = try BacktestService(configuration: configuration)
        defer { service.shutdown() }
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.port = 0
        serverConfiguration.eventLoops = 1
        serverConfiguration.shutdownGracePeriod = 1
        let router = Application.router(service: service, keepAliveSeconds: 0.2)
        let first = try HTTPServer(configuration: serverConfiguration, router: router)
        let port = first.port
        try await offPool { try uploadWalk(port) }
        let request = directory + "/long.json"
        try walkGrid.write(toFile: request, atomically: true, encoding: .utf8)
        let outcome = LockedOutcome()
        Thread { outcome.set(Result { try client(["submit", request, "--follow"], port: port) }) }.start()
        // Once the run is under way, the server leaves (its streams close) and a new one takes the port.
        try await offPool {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let runs = try json(try call(port, "GET", "/runs?status=RUNNING"))["runs"]?.array ?? []
                if !runs.isEmpty { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        await first.shutdown()
        serverConfiguration.port = port
        let second = try HTTPServer(configuration: serverConfiguration, router: router)
        let followed = try await offPool { outcome.wait() }.get()
        await second.shutdown()
        #expect(followed.status == 0, "\(followed.stderr)")
        let events = followed.stdout.split(separator: "\n").filter {
            $0.hasPrefix("stage ") || $0.hasPrefix("progress ")
        }
        #expect(events.filter { $0.hasPrefix("stage {\"status\":\"RUNNING\"}") }.count == 1)  // never twice
        #expect(followed.stdout.contains("completed"))
    }

    @Test func progressBar_isAPureFunction() {
        #expect(
            ProgressBar.render(percent: 50, etaSeconds: 75, barVariantsPerSecond: 2.5e8, width: 10)
                == "[#####.....]  50.0%  ETA 1m15s  250.0M bar-variants/s")
        #expect(
            ProgressBar.render(percent: 100, etaSeconds: 0, barVariantsPerSecond: nil, width: 4)
                == "[####] 100.0%  ETA 0s")
        #expect(
            ProgressBar.render(percent: .nan, etaSeconds: .infinity, barVariantsPerSecond: -1, width: 2)
                == "[..]   0.0%")
        #expect(
            ProgressBar.render(percent: 250, etaSeconds: 3725, barVariantsPerSecond: 1234, width: 2)
                == "[##] 100.0%  ETA 1h02m  1.2k bar-variants/s")
    }
}

final class LockedOutcome: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: Result<ClientCommandTests.Outcome, any Error>?
    func set(_ result: Result<ClientCommandTests.Outcome, any Error>) {
        value = result
        done.signal()
    }
    func wait() -> Result<ClientCommandTests.Outcome, any Error> {
        done.wait()
        return value ?? .failure(TestClient.Failure(message: "no outcome"))
    }
}
