import BacktestService
import Foundation
import TestSupport
import Testing

/// The whole service on the PostgreSQL catalog (a fresh database of the test cluster): what
/// `RunLifecycleTests` checks on SQLite, end to end through HTTP.
@Suite struct PostgresServiceTests {
    @Test func run_goesQueuedRunningDone_andSSEReplaysTheLog_onPostgres() async throws {
        try await withPostgresDatabase { url in
            try await withRunningService(configure: {
                $0.catalogURL = url
                $0.progressEveryBarVariants = 20_000
                $0.chunkVariants = 8
            }) { port, _ in
                let submitted = try call(
                    port, "POST", "/backtests", body: smallGrid, headers: ["Idempotency-Key: pg-1"])
                #expect(submitted.status == 202)
                let runID = try #require(try json(submitted)["run_id"]?.string)
                let run = try waitUntilFinished(port, runID)
                #expect(run["status"] == "DONE")
                #expect(run["progress"]?["pct"] == 100)
                #expect(run["best"]?["variant_key"]?.string != nil)
                let (events, _) = frames(try call(port, "GET", "/runs/\(runID)/events").text)
                #expect(events.map(\.id) == Array(0..<events.count))
                #expect(events.first?.data["data"]?["status"] == "QUEUED")
                #expect(events.last?.type == "completed")
                #expect(events.contains { $0.type == "progress" })
                let after = frames(try call(port, "GET", "/runs/\(runID)/events", headers: ["Last-Event-ID: 1"]).text)
                #expect(after.events.map(\.id) == Array(2..<events.count))
                // The same request again is the same run (the unique index decided once).
                let again = try call(port, "POST", "/backtests", body: smallGrid, headers: ["Idempotency-Key: pg-1"])
                #expect(try json(again)["run_id"]?.string == runID)
                let results = try json(try call(port, "GET", "/runs/\(runID)/results"))
                #expect(results["results"]?.array?.isEmpty == false)
                // Datasets (the samples imported at start-up) and a candle window read from the bytea.
                let datasets = try json(try call(port, "GET", "/datasets"))
                let first = try #require(datasets["datasets"]?.array?.first?["dataset_id"]?.string)
                let candles = try call(port, "GET", "/datasets/\(first)/candles?limit=5")
                #expect(candles.status == 200)
                #expect(try json(candles)["candles"]?.array?.count == 5)
            }
        }
    }

    /// `backtestd verify` walks a chain whose rows and files are in PostgreSQL
    /// (`BACKTESTD_CATALOG_URL`).
    @Test func verify_walksTheChainOfAPostgresCatalog() async throws {
        try await withPostgresDatabase { url in
            let directory = Paths.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try await withRunningService(configure: { $0.catalogURL = url }, directory: directory, keepDirectory: true)
            { port, _ in
                for seed in 61...62 { _ = try Artifacts.finishedRun(port, seededGrid(seed)) }
            }
            let outcome = try runBinary(
                ["verify", "--data-dir", directory], environment: ["BACKTESTD_CATALOG_URL": url])
            #expect(outcome.status == 0)
            #expect(outcome.stdout.hasPrefix("ok: 2 manifests"))
        }
    }

    /// Three services on one PostgreSQL database stand for three nodes behind a load balancer:
    /// 50 identical submissions at once, round robin over them, make one run (one 202, 49 replays
    /// naming it), which one node's worker runs to DONE and every node reports the same.
    @Test func fiftyIdenticalPostsOverThreeNodes_makeOneRun() async throws {
        try await withPostgresDatabase { url in
            try await withRunningService(configure: { $0.catalogURL = url }) { portA, _ in
                try withRunningServiceBlocking(catalogURL: url) { portB in
                    try withRunningServiceBlocking(catalogURL: url) { portC in
                        let ports = [portA, portB, portC]
                        let answers = Answers()
                        DispatchQueue.concurrentPerform(iterations: 50) { index in
                            guard
                                let response = try? call(
                                    ports[index % 3], "POST", "/backtests", body: smallGrid,
                                    headers: ["Idempotency-Key: fifty"]),
                                let runID = try? json(response)["run_id"]?.string
                            else { return }
                            answers.add(response.status, runID)
                        }
                        let all = answers.all
                        #expect(all.count == 50)
                        #expect(all.filter { $0.0 == 202 }.count == 1)
                        #expect(all.filter { $0.0 == 200 }.count == 49)
                        #expect(Set(all.map(\.1)).count == 1)
                        let runID = try #require(all.first?.1)
                        #expect(try waitUntilFinished(portB, runID)["status"] == "DONE")
                        for port in ports {
                            let runs = try json(try call(port, "GET", "/runs"))
                            #expect(runs["runs"]?.array?.map { $0["run_id"]?.string } == [runID])
                        }
                    }
                }
            }
        }
    }
}

/// (status, run id) answers gathered across threads.
private final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [(Int, String)] = []
    func add(_ status: Int, _ runID: String) { lock.withLock { stored.append((status, runID)) } }
    var all: [(Int, String)] { lock.withLock { stored } }
}

/// A second or third node for a test already inside `withRunningService`: the same service and
/// server on `catalogURL`, from blocking code.
func withRunningServiceBlocking(catalogURL: String, _ body: @escaping @Sendable (UInt16) throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let box = ErrorBox()
    Task {
        do {
            try await withRunningService(configure: { $0.catalogURL = catalogURL }) { port, _ in try body(port) }
        } catch {
            box.set(error)
        }
        done.signal()
    }
    done.wait()
    if let error = box.error { throw error }
}

private final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    func set(_ error: any Error) { lock.withLock { stored = error } }
    var error: (any Error)? { lock.withLock { stored } }
}

/// Runs `body` with the URL of a fresh database on the test cluster (nothing, loudly, without one).
func withPostgresDatabase(_ test: String = #function, _ body: @escaping (String) async throws -> Void) async throws {
    try await withPostgresDatabase(test) { url, _, _ in try await body(url) }
}

/// The same, also handing over the cluster and the database's name (for SQL run beside the nodes).
func withPostgresDatabase(
    _ test: String = #function, _ body: @escaping (String, PostgresCluster, String) async throws -> Void
) async throws {
    guard let cluster = PostgresCluster.shared else {
        FileHandle.standardError.write(Data("SKIPPED (PostgreSQL is not installed): \(test)\n".utf8))
        return
    }
    let name = try cluster.createDatabase()
    defer { cluster.dropDatabase(name) }
    try await body(cluster.url(database: name), cluster, name)
}
