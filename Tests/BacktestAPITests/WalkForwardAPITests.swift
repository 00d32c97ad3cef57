import BacktestService
import Foundation
import TestSupport
import Testing

/// Walk-forward runs end to end: the results section, the stitched curve, and each window
/// against the single run a client would submit for it.
@Suite struct WalkForwardAPITests {
    /// The GOOG sample's timestamps, bar by bar (as the dataset stores them).
    static let googTimes: [String] = {
        let text = (try? String(contentsOfFile: Paths.samples + "/GOOG_1d.csv", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }
    }()

    static let request =
        #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10,20]},"slow":{"values":[50,100]}},"walk_forward":{"train_bars":1000,"test_bars":250,"objective":"sharpe_ratio"}}"#

    @Test func windowsEqualTheirSingleRuns_andTheStitchedCurveIsServed() async throws {
        try await withRunningService { port, _ in
            let submitted = try call(port, "POST", "/backtests", body: Self.request)
            #expect(submitted.status == 202)
            let runID = try #require(try json(submitted)["run_id"]?.string)
            let run = try waitUntilFinished(port, runID)
            #expect(run["status"]?.string == "DONE")
            let datasetID = try #require(run["dataset_id"]?.string)
            let results = try json(try call(port, "GET", "/runs/\(runID)/results"))
            #expect(results["grid"]?["walk_forward"] == nil)
            let section = try #require(results["walk_forward"])
            #expect(section["objective"]?.string == "sharpe_ratio")
            #expect(section["step_bars"]?.integer == 250)
            let windows = try #require(section["windows"]?.array)
            #expect(Self.googTimes.count == 2148)
            #expect(windows.count == (2148 - 1250) / 250 + 1)
            for (index, window) in windows.enumerated() {
                let test = try #require(window["test"])
                let first = try #require(test["first_bar"]?.integer)
                #expect(first == 1000 + 250 * index)
                #expect(test["last_bar"]?.integer == first + 249)
                #expect(test["start"]?.string == Self.googTimes[first])
                #expect(window["train"]?["first_bar"]?.integer == 250 * index)
                let warmup = try #require(window["warmup_bars"]?.integer)
                #expect(warmup == window["params"]?["slow"]?.integer)
                // The single run of the chosen parameters over the test slice, `from` moved back by the
                // warm-up and `warmup_bars` set to it: the same metrics, every one.
                let params = try #require(window["params"])
                let single =
                    #"{"dataset_id":"\#(datasetID)","from":"\#(Self.googTimes[first - warmup])","to":"\#(Self.googTimes[first + 249])","warmup_bars":\#(warmup),"strategy":{"name":"dual_sma","params":"#
                    + JSONWriter.compact(params) + "}}"
                let singleID = try #require(
                    try json(try call(port, "POST", "/backtests", body: single))["run_id"]?.string)
                _ = try waitUntilFinished(port, singleID)
                let row = try #require(
                    try json(try call(port, "GET", "/runs/\(singleID)/results"))["results"]?.array?.first)
                #expect(row["metrics"] != nil)
                #expect(row["metrics"] == window["out_of_sample"], "window \(index)")
            }
            let overall = try #require(section["overall"])
            #expect(overall["windows"]?.integer == windows.count)
            #expect(overall["bars"]?.integer == windows.count * 250)
            let curve = try json(try call(port, "GET", "/runs/\(runID)/equity?variant=oos&max_points=100000"))
            #expect(curve["variant_key"]?.string == "oos")
            #expect(curve["points"]?.integer == windows.count * 250)
            #expect(curve["t"]?.array?.first?.string == Self.googTimes[1000])
            #expect(curve["equity"]?.array?.last == overall["out_of_sample"]?["end_value"])
            // A run without walk-forward has no out-of-sample curve.
            let plain = try #require(
                try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            _ = try waitUntilFinished(port, plain)
            #expect(try call(port, "GET", "/runs/\(plain)/equity?variant=oos").status == 404)
        }
    }

    /// Progress counts the grid over all bars plus every window's work (its grid over the train
    /// slice, one pass over the test slice), in variants (bar evaluations / bars).
    @Test func progress_countsEveryWindowsWork() async throws {
        try await withRunningService(configure: { $0.progressEveryBarVariants = 2000 }) { port, _ in
            let runID = try #require(
                try json(try call(port, "POST", "/backtests", body: Self.request))["run_id"]?.string)
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let progress = frames(try call(port, "GET", "/runs/\(runID)/events").text).events.filter {
                $0.type == "progress"
            }
            // 6 variants × 2148 bars, then 4 windows of 6 × 1000 train bars and 250 test bars.
            let total = (6 * 2148 + 4 * (6 * 1000 + 250)) / 2148
            #expect(!progress.isEmpty)
            #expect(progress.allSatisfy { $0.data["data"]?["total"] == .integer(total) })
            let done = progress.compactMap { $0.data["data"]?["done"]?.integer }
            #expect(done == done.sorted())
            // Past the grid's own work: the windows are counted.
            #expect((done.last ?? 0) > 6)
        }
    }

    /// With a risk axis the chosen variants carry their stop; the stitched curve replayed from the
    /// stored choices ends where the analysis did, and each window's params name the stop.
    @Test func riskAxes_areChosenAndReplayedPerWindow() async throws {
        try await withRunningService { port, _ in
            let body =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10]},"slow":{"values":[50]},"risk.stop_loss_pct":{"values":[null,2,5]}},"walk_forward":{"train_bars":800,"test_bars":300,"anchored":true}}"#
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: body))["run_id"]?.string)
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let section = try #require(try json(try call(port, "GET", "/runs/\(runID)/results"))["walk_forward"])
            let windows = try #require(section["windows"]?.array)
            #expect(windows.count == (2148 - 1100) / 300 + 1)
            for window in windows {
                #expect(window["params"]?["risk.stop_loss_pct"] != nil)
                #expect(window["train"]?["first_bar"]?.integer == 0)
            }
            let curve = try json(try call(port, "GET", "/runs/\(runID)/equity?variant=oos&max_points=100000"))
            #expect(curve["points"]?.integer == windows.count * 300)
            #expect(curve["equity"]?.array?.last == section["overall"]?["out_of_sample"]?["end_value"])
        }
    }

    @Test func windowsThatDoNotFitTheData_are422AtTheLimit() async throws {
        try await withRunningService { port, _ in
            func submit(train: Int, test: Int) throws -> TestClient.Response {
                try call(
                    port, "POST", "/backtests",
                    body:
                        #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":5,"slow":20}},"walk_forward":{"train_bars":\#(train),"test_bars":\#(test)}}"#
                )
            }
            #expect(try submit(train: 2000, test: 148).status == 202)
            let refused = try submit(train: 2000, test: 149)
            #expect(refused.status == 422)
            #expect(try json(refused)["error"]?["details"]?.array?.first?["path"]?.string == "walk_forward.train_bars")
            let bad = try call(
                port, "POST", "/backtests",
                body:
                    #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"walk_forward":{"train_bars":0,"test_bars":10,"step_bars":5}}"#
            )
            #expect(bad.status == 422)
            #expect(
                try json(bad)["error"]?["details"]?.array?.compactMap { $0["path"]?.string } == [
                    "walk_forward.step_bars", "walk_forward.train_bars",
                ])
        }
    }

    @Test func inputHash_coversTheWalkForwardSection() async throws {
        try await withRunningService { port, _ in
            let base =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma","params":{"fast":5,"slow":20}}"#
            let hash = { (extra: String) throws -> String? in
                try json(try call(port, "POST", "/backtests", body: base + extra + "}"))["input_hash"]?.string
            }
            let plain = try hash("")
            let short = try hash(#","walk_forward":{"train_bars":500,"test_bars":100}"#)
            let explicit = try hash(
                #","walk_forward":{"train_bars":500,"test_bars":100,"step_bars":100,"anchored":false,"objective":"total_return_pct"}"#
            )
            let anchored = try hash(#","walk_forward":{"train_bars":500,"test_bars":100,"anchored":true}"#)
            #expect(plain != nil && short != nil && anchored != nil)
            #expect(short == explicit)
            #expect(plain != short)
            #expect(anchored != short)
        }
    }
}
