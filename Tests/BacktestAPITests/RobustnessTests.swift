import BacktestService
import CSQLite
import Catalog
import Foundation
import Synchronization
import TestSupport
import Testing

/// Hostile or oversized requests get a clear error and leave the server serving.
@Suite struct HostileRequestTests {
    @Test func theOverflowingGridOfTheIssueIsRefusedAndTheServerLives() async throws {
        try await withRunningService { port, _ in
            let body =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":1,"stop":43000,"step":1}},"slow":{"range":{"start":2,"stop":43001,"step":1}},"delay_bars":{"range":{"start":0,"stop":99762,"step":1}},"threshold_bp":{"range":{"start":0,"stop":10000,"step":0.1}}}}"#
            let response = try call(port, "POST", "/backtests", body: body)
            #expect(response.status == 422)
            #expect(try json(response)["error"]?["details"]?.array?.first?["path"] == "grid")
            // Axes within their own limits whose product passes `Int` (2^64 wraps to a small number
            // in unchecked arithmetic): refused on the exact count.
            let wrapping =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":1,"stop":65536,"step":1}},"slow":{"range":{"start":2,"stop":65537,"step":1}},"delay_bars":{"range":{"start":0,"stop":65535,"step":1}},"threshold_bp":{"range":{"start":0,"stop":6553.5,"step":0.1}}}}"#
            let wrapped = try call(port, "POST", "/backtests", body: wrapping)
            #expect(wrapped.status == 422)
            #expect(
                try json(wrapped)["error"]?["details"]?.array?.first?["message"]?.string?.hasPrefix(
                    "has 18446744073709551616 combinations") == true)
            #expect(try call(port, "GET", "/healthz").status == 200)
        }
    }

    @Test func variantsInA202NeverExceedTheLimit() async throws {
        try await withRunningService(configure: { $0.maxGridVariants = 40 }) { port, _ in
            // 5 × 8 = 40 combinations, every one with fast < slow.
            let atLimit =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[1,2,3,4,5]},"slow":{"range":{"start":10,"stop":17,"step":1}}}}"#
            let accepted = try call(port, "POST", "/backtests", body: atLimit)
            #expect(accepted.status == 202)
            #expect(try json(accepted)["variants"] == 40)
            let overLimit = atLimit.replacingOccurrences(of: "[1,2,3,4,5]", with: "[1,2,3,4,5,6]")
            #expect(try call(port, "POST", "/backtests", body: overLimit).status == 422)
        }
    }

    @Test func aJSONBodyOverItsBudgetIs413() async throws {
        try await withRunningService(configure: { $0.jsonLimits = .init(maxElements: 8, maxStringBytes: 64) }) {
            port, _ in
            // root, symbol, timeframe, strategy, name = 5 values: within budget.
            let small = #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"}}"#
            #expect(try call(port, "POST", "/backtests", body: small).status == 202)
            let many =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[1,2,3,4]}}}"#
            let refused = try call(port, "POST", "/backtests", body: many)
            #expect(refused.status == 413)
            #expect(try json(refused)["error"]?["code"] == "payload_too_large")
            let longString = #"{"symbol":""# + String(repeating: "G", count: 100) + #"","timeframe":"1d"}"#
            #expect(try call(port, "POST", "/backtests", body: longString).status == 413)
        }
    }

    @Test func fromAndToNarrowADatasetIDSelectionToo() async throws {
        try await withRunningService { port, _ in
            let datasets = try json(try call(port, "GET", "/datasets"))["datasets"]?.array ?? []
            let goog = try #require(datasets.first { $0["symbol"] == "GOOG" }?["dataset_id"]?.string)
            func body(_ window: String) -> String {
                #"{"dataset_id":"\#(goog)"\#(window),"strategy":{"name":"dual_sma","params":{"fast":10,"slow":50}}}"#
            }
            // A month holds about 21 bars: fewer than slow = 50.
            let month = try call(
                port, "POST", "/backtests", body: body(#","from":"2010-01-01T00:00:00Z","to":"2010-02-01T00:00:00Z""#))
            #expect(month.status == 422)
            #expect(try json(month)["error"]?["details"]?.array?.first?["path"] == "strategy.params.slow")
            let year = try json(
                try call(
                    port, "POST", "/backtests",
                    body: body(#","from":"2010-01-01T00:00:00Z","to":"2011-01-01T00:00:00Z""#)))
            let whole = try json(try call(port, "POST", "/backtests", body: body("")))
            #expect(year["input_hash"] != whole["input_hash"])
            let yearRun = try waitUntilFinished(port, try #require(year["run_id"]?.string))
            let wholeRun = try waitUntilFinished(port, try #require(whole["run_id"]?.string))
            #expect(yearRun["status"] == "DONE")
            let yearEquity = try json(
                try call(port, "GET", "/runs/\(try #require(year["run_id"]?.string))/equity?max_points=100000"))
            let points = try #require(yearEquity["points"]?.integer)
            #expect(points > 200 && points < 300)  // one trading year, not the 2,148 bars
            #expect(wholeRun["status"] == "DONE")
        }
    }

    @Test func validationWorkIsBudgetedAtNAndNPlusOne() async throws {
        let bars = 2148  // GOOG_1d rows
        try await withRunningService(configure: { $0.maxValidationWork = 3 * bars }) { port, _ in
            func body(_ permutations: Int) -> String {
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"validation":{"permutation":{"n":\#(permutations)}}}"#
            }
            #expect(try call(port, "POST", "/backtests", body: body(3)).status == 202)
            let refused = try call(port, "POST", "/backtests", body: body(4))
            #expect(refused.status == 422)
            #expect(try json(refused)["error"]?["details"]?.array?.first?["path"] == "validation")
        }
    }
}

/// Every accepted run reaches exactly one terminal state, whatever its catalog does.
@Suite struct CatalogFaultRunTests {
    static let single = #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"}}"#

    static func fastRetries(_ configuration: inout ServiceConfiguration, _ faults: CatalogFaults) {
        configuration.catalogFaults = faults
        configuration.catalogRetry.initialDelaySeconds = 0.001
        configuration.catalogRetry.maxDelaySeconds = 0.01
    }

    static func terminalEvents(_ port: UInt16, _ runID: String) throws -> [String] {
        frames(try call(port, "GET", "/runs/\(runID)/events").text).events.map(\.type).filter {
            ["completed", "failed", "cancelled"].contains($0)
        }
    }

    @Test func aTransientWriteFailureIsRetriedAndTheRunCompletes() async throws {
        let faults = CatalogFaults()
        try await withRunningService(configure: { Self.fastRetries(&$0, faults) }) { port, _ in
            faults.failWrites(startingAt: 1, count: 2, resultCode: SQLITE_BUSY, matching: "finishRun")
            let runID = try #require(
                try json(try call(port, "POST", "/backtests", body: Self.single))["run_id"]?.string)
            let run = try waitUntilFinished(port, runID)
            #expect(run["status"] == "DONE")
            #expect(try Self.terminalEvents(port, runID) == ["completed"])
            #expect(faults.writesSeen >= 3)
        }
    }

    @Test func aPersistentlyFailingEventWriteEndsTheRunAsErrorNotDeleted() async throws {
        let faults = CatalogFaults()
        try await withRunningService(configure: { Self.fastRetries(&$0, faults) }) { port, _ in
            faults.failWrites(startingAt: 1, count: .max, resultCode: SQLITE_IOERR, matching: "appendEvent")
            let grid =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":60,"step":1}},"slow":{"range":{"start":61,"stop":400,"step":1}}}}"#
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: grid))["run_id"]?.string)
            let run = try waitUntilFinished(port, runID)
            #expect(run["status"] == "ERROR")
            #expect(run["error"]?["message"]?.string?.contains("catalog") == true)
            #expect(try Self.terminalEvents(port, runID) == ["failed"])
        }
    }

    @Test func aDiskFullOnTheResultsEndsTheRunAsErrorWithOneTerminalEvent() async throws {
        let faults = CatalogFaults()
        try await withRunningService(configure: { Self.fastRetries(&$0, faults) }) { port, service in
            let attempts = service.configuration.catalogRetry.attempts
            faults.failWrites(startingAt: 1, count: attempts, resultCode: SQLITE_FULL, matching: "finishRun")
            let runID = try #require(
                try json(try call(port, "POST", "/backtests", body: Self.single))["run_id"]?.string)
            let run = try waitUntilFinished(port, runID)
            #expect(run["status"] == "ERROR")
            #expect(try Self.terminalEvents(port, runID) == ["failed"])
            #expect(faults.writesSeen == attempts + 1)
            // The server still takes work once the disk has room again.
            let next = try call(
                port, "POST", "/backtests",
                body: Self.single.replacingOccurrences(of: "}}", with: #","params":{"fast":7}}}"#))
            #expect(next.status == 202)
        }
    }

    @Test func aRunInterruptedOnEveryAttemptEndsAsErrorAtStartUp() async throws {
        var poisonID = ""
        try await withRunningService(configure: { configuration in
            configuration.maxRunAttempts = 2
            // A previous life of this data dir: the run was claimed twice and the process died both times.
            guard let catalog = try? Catalog(path: configuration.dataDirectory + "/catalog.sqlite") else { return }
            let run = NewRun(
                id: "run_poison", owner: "local", inputHash: "poison", idempotencyKey: nil, request: "{}",
                datasetID: "ds_none", variants: 1, engineVersion: "test", createdAt: "2026-01-01T00:00:00Z",
                queuedEventData: #"{"status":"QUEUED"}"#)
            _ = try? catalog.insertRun(run, queueCapacity: 10)
            _ = try? catalog.claimNextQueued(at: "t1", eventData: { _ in #"{"status":"RUNNING"}"# })
            _ = try? catalog.recoverInterrupted(
                at: "t2", maxAttempts: 2, requeuedData: "{}", failedData: { _ in "{}" }, failedMessage: { "\($0)" })
            _ = try? catalog.claimNextQueued(at: "t3", eventData: { _ in #"{"status":"RUNNING"}"# })
            poisonID = run.id
        }) { port, _ in
            let run = try json(try call(port, "GET", "/runs/run_poison"))
            #expect(run["status"] == "ERROR")
            #expect(run["error"]?["message"]?.string?.contains("interrupted 2 times") == true)
            #expect(try Self.terminalEvents(port, "run_poison") == ["failed"])
        }
        #expect(poisonID == "run_poison")
    }
}

@Suite struct DiskFullSubmitTests {
    @Test func aFullDiskAtSubmitIs507AndStoresNothing() async throws {
        let faults = CatalogFaults()
        try await withRunningService(configure: { $0.catalogFaults = faults }) { port, _ in
            faults.failWrites(startingAt: 1, resultCode: SQLITE_FULL, matching: "insertRun")
            let body = #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"}}"#
            let refused = try call(port, "POST", "/backtests", body: body, headers: ["Idempotency-Key: disk"])
            #expect(refused.status == 507)
            #expect(refused.header("Retry-After") == "60")
            #expect(try json(refused)["error"]?["retryable"] == true)
            #expect(try json(try call(port, "GET", "/runs"))["total"] == 0)
            // Space again: the same retry is accepted as a new run.
            let accepted = try call(port, "POST", "/backtests", body: body, headers: ["Idempotency-Key: disk"])
            #expect(accepted.status == 202)
        }
    }
}

@Suite struct DiskFullUploadTests {
    @Test func aFullDiskAtUploadIs507AndStoresNothing() async throws {
        let faults = CatalogFaults()
        try await withRunningService(configure: { $0.catalogFaults = faults }) { port, _ in
            faults.failWrites(startingAt: 1, resultCode: SQLITE_FULL, matching: "insertDataset")
            let csv = randomWalkCSV(bars: 500, seed: 5)
            let refused = try call(
                port, "POST", "/datasets?symbol=FULL&timeframe=1h", body: csv, contentType: "text/csv")
            #expect(refused.status == 507)
            #expect(try json(refused)["error"]?["code"] == "insufficient_storage")
            let listed = try json(try call(port, "GET", "/datasets"))["datasets"]?.array ?? []
            #expect(!listed.contains { $0["symbol"] == "FULL" })
            let accepted = try call(
                port, "POST", "/datasets?symbol=FULL&timeframe=1h", body: csv, contentType: "text/csv")
            #expect(accepted.status == 201)
        }
    }
}

@Suite struct StoredGridLimitTests {
    /// A run accepted under a larger `max_grid_variants` and still queued when the limit is lowered
    /// ends as ERROR with the reason at the next start, instead of expanding past the limit.
    @Test func aQueuedGridOverALoweredLimitEndsAsErrorWithTheReason() async throws {
        let directory = Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let queued = Mutex("")
        try await withRunningService(directory: directory, keepDirectory: true) { port, _ in
            // Occupies the only worker long enough for the next run to stay QUEUED.
            let busy =
                #"{"symbol":"EURUSD","timeframe":"1h","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":200,"step":1}},"slow":{"range":{"start":201,"stop":1200,"step":1}}}}"#
            let busyID = try #require(try json(try call(port, "POST", "/backtests", body: busy))["run_id"]?.string)
            try waitUntilStatus(port, busyID, "RUNNING")
            let thirteen =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[1]},"slow":{"range":{"start":2,"stop":14,"step":1}}}}"#
            let created = try json(try call(port, "POST", "/backtests", body: thirteen))
            #expect(created["status"] == "QUEUED")
            queued.withLock { $0 = created["run_id"]?.string ?? "" }
        }
        let runID = queued.withLock { $0 }
        try await withRunningService(configure: { $0.maxGridVariants = 12 }, directory: directory) { port, _ in
            let run = try waitUntilFinished(port, runID, seconds: 120)
            #expect(run["status"] == "ERROR")
            #expect(run["error"]?["message"]?.string?.contains("max_grid_variants (12)") == true)
        }
    }
}
