import BacktestService
import Foundation
import TestSupport
import Testing

@Suite struct ProgressEventTests {
    /// One backtest over 40,000 bars, reported every 10,000 bar evaluations in steps of 1024 bars.
    @Test func singleBacktest_progressCarriesTheBarTimestampReached_gridsDoNot() async throws {
        try await withRunningService(configure: {
            $0.progressEveryBarVariants = 10_000
            $0.stepBarVariants = 10_000
        }) { port, _ in
            try uploadWalk(port)
            let single =
                #"{"symbol":"WALK","timeframe":"1h","strategy":{"name":"dual_sma","params":{"fast":5,"slow":20}}}"#
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: single))["run_id"]?.string)
            _ = try waitUntilFinished(port, runID)
            let progress = frames(try call(port, "GET", "/runs/\(runID)/events").text).events.filter {
                $0.type == "progress"
            }
            #expect(!progress.isEmpty)
            let dates = progress.compactMap { $0.data["data"]?["date"]?.string }
            #expect(dates.count == progress.count)
            #expect(dates == dates.sorted())
            // Each date is a bar of the dataset: the WALK series starts at its first timestamp, hourly.
            let candles = try json(try call(port, "GET", "/runs/\(runID)"))
            let datasetID = try #require(candles["dataset_id"]?.string)
            for date in dates {
                let bar = try json(try call(port, "GET", "/datasets/\(datasetID)/candles?from=\(date)&to=\(date)"))
                #expect(bar["total"] == .integer(1), "\(date)")
            }

            let grid = try #require(
                try json(try call(port, "POST", "/backtests", body: walkGridSmall))["run_id"]?.string)
            _ = try waitUntilFinished(port, grid)
            let gridProgress = frames(try call(port, "GET", "/runs/\(grid)/events").text).events.filter {
                $0.type == "progress"
            }
            #expect(!gridProgress.isEmpty)
            #expect(gridProgress.allSatisfy { $0.data["data"]?["date"] == nil })
        }
    }

    @Test func validationStage_reportsItsOwnProgress() async throws {
        try await withRunningService(configure: { $0.progressEveryBarVariants = 50_000 }) { port, _ in
            let body =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"top_k":2,"grid":{"fast":{"values":[5,10]},"slow":{"values":[50]}},"validation":{"permutation":{"n":40},"block_bootstrap":{"n":20}}}"#
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: body))["run_id"]?.string)
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let events = frames(try call(port, "GET", "/runs/\(runID)/events").text).events
            let stage = try #require(
                events.firstIndex { $0.type == "stage" && $0.data["data"]?["status"] == "VALIDATING" })
            let validating = events[stage...].filter { $0.type == "progress" }
            #expect(!validating.isEmpty)
            for event in validating {
                #expect(event.data["data"]?["stage"] == "VALIDATING")
                #expect(event.data["data"]?["total"] == .integer(120))  // 2 variants × (40 + 20) re-runs
            }
            let done = validating.compactMap { $0.data["data"]?["done"]?.integer }
            #expect(done == done.sorted() && (done.last ?? 120) < 120)
        }
    }
}

let walkGridSmall =
    #"{"symbol":"WALK","timeframe":"1h","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10]},"slow":{"values":[20,40]}}}"#
