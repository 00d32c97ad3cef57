import Catalog
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import BacktestService

/// One grid split into chunks over several nodes gives, byte for byte, the results a single
/// SQLite node gives running it whole.
@Suite struct ChunkServiceTests {
    /// 174 variants (fast < slow) over GOOG's 2,148 daily bars.
    static let grid =
        #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"top_k":15,"grid":{"fast":{"range":{"start":2,"stop":40,"step":1}},"slow":{"values":[20,50,100,150,200]}}}"#
    /// Ten variants per chunk.
    static let chunkWork = 2148 * 10
    /// 600 variants over GOOG, 30 chunks of 20: enough work (seconds in a debug build) that idle
    /// nodes, polling every 100 ms, join in.
    static let largeGrid =
        #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"top_k":20,"grid":{"fast":{"range":{"start":2,"stop":31,"step":1}},"slow":{"range":{"start":40,"stop":59,"step":1}}}}"#
    static let largeChunkWork = 2148 * 20
    /// A progress event every seven variants' work: checkpoints that fall inside chunks.
    static let progressEvery = 2148 * 7

    /// `GET /runs/{id}/results` with the run's id taken out: what must match across nodes.
    static func results(_ port: UInt16, _ runID: String) throws -> String {
        let body = try call(port, "GET", "/runs/\(runID)/results").text
        return body.replacingOccurrences(of: runID, with: "RUN")
    }

    /// The run's progress events without their timing (`eta_s`): the same for any node count
    /// and any order in which the chunks finish.
    static func progress(_ port: UInt16, _ runID: String) throws -> [String] {
        frames(try call(port, "GET", "/runs/\(runID)/events").text).events.filter { $0.type == "progress" }.map {
            event in
            ["done", "total", "pct"].map { "\(event.data["data"]?[$0] ?? .null)" }.joined(separator: ",")
        }
    }

    static func reference(chunked: Bool, grid: String = grid, work: Int = chunkWork) async throws -> String {
        try await referenceRun(chunked: chunked, grid: grid, work: work).results
    }

    static func referenceRun(chunked: Bool, grid: String = grid, work: Int = chunkWork) async throws -> (
        results: String, progress: [String]
    ) {
        let answer = Mutex(("", [String]()))
        try await withRunningService(configure: {
            $0.gridChunks = chunked
            $0.gridChunkBarVariants = work
            $0.progressEveryBarVariants = Self.progressEvery
        }) { port, _ in
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: grid))["run_id"]?.string)
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let run = (try Self.results(port, runID), try Self.progress(port, runID))
            answer.withLock { $0 = run }
        }
        return answer.withLock { $0 }
    }

    /// SQLite with chunking forced on (one node works through every chunk) equals it unchunked.
    @Test func chunkedOnSQLite_equalsTheWholeRun() async throws {
        let whole = try await Self.reference(chunked: false)
        #expect(whole.contains("\"variant_key\""))
        #expect(try await Self.reference(chunked: true) == whole)
    }

    /// Three nodes on one PostgreSQL database, one worker and one engine thread each: the grid
    /// is split into 30 chunks claimed by whichever node is free, more than one node takes part,
    /// and the result equals a single SQLite node's, byte for byte.
    @Test func threeNodes_giveTheSingleNodeResult() async throws {
        let expected = try await Self.reference(chunked: false, grid: Self.largeGrid, work: Self.largeChunkWork)
        // One node working through every chunk: the progress events three nodes must repeat.
        let oneNode = try await Self.referenceRun(chunked: true, grid: Self.largeGrid, work: Self.largeChunkWork)
        #expect(oneNode.progress.count > 3)
        try await withPostgresDatabase { url in
            let configure: @Sendable (inout ServiceConfiguration) -> Void = {
                $0.catalogURL = url
                $0.gridChunkBarVariants = Self.largeChunkWork
                $0.progressEveryBarVariants = Self.progressEvery
                $0.engineThreads = 1
            }
            try await withRunningService(configure: configure) { portA, serviceA in
                try runBlocking(configure) { _, serviceB in
                    try runBlocking(configure) { _, serviceC in
                        #expect(serviceB.configuration.chunksGrids && serviceC.configuration.chunksGrids)
                        let runID = try #require(
                            try json(try call(portA, "POST", "/backtests", body: Self.largeGrid))["run_id"]?.string)
                        #expect(try waitUntilFinished(portA, runID, seconds: 120)["status"] == "DONE")
                        #expect(try Self.results(portA, runID) == expected)
                        #expect(try Self.progress(portA, runID) == oneNode.progress)
                        let (events, _) = frames(try call(portA, "GET", "/runs/\(runID)/events").text)
                        #expect(events.filter { $0.type == "completed" }.count == 1)
                        let counts = [serviceA, serviceB, serviceC].map(\.executor.chunksStored.count)
                        #expect(counts.reduce(0, +) == 30, "\(counts)")
                        #expect(counts.filter { $0 > 0 }.count >= 2, "\(counts)")
                    }
                }
            }
        }
    }

    /// A node dies holding a run and one of its chunks (claimed, never renewed). The leader
    /// re-queues both once their leases lapse; another node claims the run, redoes that chunk with
    /// the rest, and ends the run DONE once with the single-node result; the dead node's late
    /// chunk result is refused.
    @Test func lapsedChunkLease_isRedoneOnce() async throws {
        let expected = try await Self.reference(chunked: false)
        try await withPostgresDatabase { url in
            let configure: @Sendable (inout ServiceConfiguration) -> Void = {
                $0.catalogURL = url
                $0.gridChunkBarVariants = Self.chunkWork
                $0.engineThreads = 1
                $0.leaseSeconds = 1
                $0.leaseHeartbeatSeconds = 0.1
            }
            try await withRunningService(configure: configure) { portA, serviceA in
                // Node A takes no work, so the run waits for the dead node to claim it.
                serviceA.retireWorker(0)
                let deadline = Date().addingTimeInterval(10)
                while serviceA.pool.liveness.alive > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
                let runID = try #require(
                    try json(try call(portA, "POST", "/backtests", body: Self.grid))["run_id"]?.string)
                let dead = try Catalog(location: .postgres(url: url))
                let lease = RunLease(owner: "dead-node", milliseconds: 300)
                let claimed = try dead.claimNextQueued(
                    at: Identifiers.now(), lease: lease, eventData: { _ in #"{"status":"RUNNING"}"# })
                #expect(claimed?.0.id == runID)
                let ranges = ChunkPlan.ranges(variants: 174, bars: 2148, barVariantsPerChunk: Self.chunkWork)
                #expect(ranges.count == 18)
                try dead.createChunks(runID: runID, ranges: ranges)
                let lost = try #require(try dead.claimChunk(lease: lease))
                #expect(lost.runID == runID && lost.index == 0 && lost.attempt == 1)
                try runBlocking(configure) { portB, _ in
                    let run = try waitUntilFinished(portB, runID)
                    #expect(run["status"] == "DONE")
                    #expect(try Self.results(portB, runID) == expected)
                }
                #expect(try dead.finishChunk(lost, partial: [1]).stored == false)
                let (events, _) = frames(try call(portA, "GET", "/runs/\(runID)/events").text)
                #expect(events.filter { $0.type == "completed" }.count == 1)
            }
        }
    }
}

/// Another node inside a running test: a service on `configure` from blocking code.
func runBlocking(
    _ configure: @escaping @Sendable (inout ServiceConfiguration) -> Void,
    _ body: @escaping @Sendable (UInt16, BacktestService) throws -> Void
) throws {
    let done = DispatchSemaphore(value: 0)
    let failure = Mutex<(any Error)?>(nil)
    Task {
        do { try await withRunningService(configure: configure, body) } catch { failure.withLock { $0 = error } }
        done.signal()
    }
    done.wait()
    if let error = failure.withLock({ $0 }) { throw error }
}
