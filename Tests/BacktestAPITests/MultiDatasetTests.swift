import BacktestService
import Foundation
import TestSupport
import Testing

/// One grid over several datasets: per-dataset rows equal single-dataset runs, the aggregate
/// ranking, `dataset=` on trades and equity, the input hash, and validation.
@Suite struct MultiDatasetTests {
    static let grid = #""grid":{"fast":{"values":[5,10,20]},"slow":{"values":[50,100]}}"#
    static let symbols =
        #"[{"symbol":"GOOG","timeframe":"1d"},{"symbol":"EURUSD","timeframe":"1h"},{"symbol":"GOOG","timeframe":"1d","from":"2008-01-01T00:00:00Z","to":"2010-12-31T00:00:00Z"}]"#

    static func submit(_ port: UInt16, _ body: String) throws -> String {
        let response = try call(port, "POST", "/backtests", body: body)
        #expect(response.status == 202, "\(response.text)")
        return try #require(try json(response)["run_id"]?.string)
    }

    @Test func perDatasetRowsEqualSingleDatasetRuns_andTheAggregateIsTheirMean() async throws {
        try await withRunningService { port, _ in
            let runID = try Self.submit(
                port, #"{"symbols":\#(Self.symbols),"strategy":{"name":"dual_sma"},"top_k":6,\#(Self.grid)}"#)
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let results = try json(try call(port, "GET", "/runs/\(runID)/results"))
            let sections = try #require(results["grid"]?["datasets"]?.array)
            #expect(sections.count == 3)
            #expect(sections.map { $0["symbol"]?.string } == ["GOOG", "EURUSD", "GOOG"])
            #expect(sections.map { $0["timeframe"]?.string } == ["1d", "1h", "1d"])
            let singles: [(String, String)] = [
                (#""symbol":"GOOG","timeframe":"1d""#, "GOOG"), (#""symbol":"EURUSD","timeframe":"1h""#, "EURUSD"),
                (
                    #""symbol":"GOOG","timeframe":"1d","from":"2008-01-01T00:00:00Z","to":"2010-12-31T00:00:00Z""#,
                    "GOOG window"
                ),
            ]
            var singleRows: [[JSONValue]] = []
            for (index, (selection, name)) in singles.enumerated() {
                let single = try Self.submit(
                    port, #"{\#(selection),"strategy":{"name":"dual_sma"},"top_k":6,\#(Self.grid)}"#)
                _ = try waitUntilFinished(port, single)
                let rows = try #require(try json(try call(port, "GET", "/runs/\(single)/results"))["results"]?.array)
                let top = try #require(sections[index]["top"]?.array)
                #expect(top.count == rows.count, "\(name)")
                for (mine, theirs) in zip(top, rows) {
                    #expect(mine["variant_key"] == theirs["variant_key"], "\(name)")
                    #expect(mine["metrics"] == theirs["metrics"], "\(name)")
                }
                singleRows.append(rows)
                // Trades and equity of a dataset of the run are that single run's.
                let key = try #require(rows.first?["variant_key"]?.string)
                let encoded = key.replacingOccurrences(of: ",", with: "%2C").replacingOccurrences(of: "=", with: "%3D")
                for path in ["trades", "equity"] {
                    let ours = try json(
                        try call(port, "GET", "/runs/\(runID)/\(path)?variant=\(encoded)&dataset=\(index)"))
                    let theirs = try json(try call(port, "GET", "/runs/\(single)/\(path)?variant=\(encoded)"))
                    #expect(ours["trades"] == theirs["trades"] && ours["equity"] == theirs["equity"], "\(path) \(name)")
                    #expect(ours["total"] == theirs["total"] && ours["t"] == theirs["t"], "\(path) \(name)")
                }
            }
            // The aggregate rows: mean, median and min of the objective across the datasets, best mean first.
            let rows = try #require(results["results"]?.array)
            #expect(rows.count == 6)
            var means: [Double] = []
            for row in rows {
                let key = try #require(row["variant_key"]?.string)
                let values = try singleRows.map { rows in
                    try #require(
                        rows.first { $0["variant_key"]?.string == key }?["metrics"]?["total_return_pct"]?.number)
                }
                let perDataset = try #require(row["datasets"]?.array).compactMap {
                    $0["metrics"]?["total_return_pct"]?.number
                }
                #expect(perDataset == values)
                let mean = try #require(row["metrics"]?["mean"]?.number)
                #expect(abs(mean - values.reduce(0, +) / 3) <= 1e-9 * max(1, abs(mean)))
                #expect(row["metrics"]?["min"]?.number == values.min())
                #expect(row["metrics"]?["median"]?.number == values.sorted()[1])
                means.append(mean)
            }
            #expect(means == means.sorted(by: >))
            // A dataset the run does not have.
            #expect(try call(port, "GET", "/runs/\(runID)/trades?dataset=3").status == 404)
        }
    }

    @Test func inputHash_coversEveryDatasetInOrder() async throws {
        try await withRunningService { port, _ in
            func hash(_ symbols: String) throws -> String? {
                try json(
                    try call(
                        port, "POST", "/backtests",
                        body: #"{"symbols":\#(symbols),"strategy":{"name":"dual_sma","params":{"fast":5,"slow":20}}}"#
                    ))["input_hash"]?.string
            }
            let ab = try hash(#"[{"symbol":"GOOG","timeframe":"1d"},{"symbol":"EURUSD","timeframe":"1h"}]"#)
            let ba = try hash(#"[{"symbol":"EURUSD","timeframe":"1h"},{"symbol":"GOOG","timeframe":"1d"}]"#)
            let again = try hash(#"[{"timeframe":"1d","symbol":"GOOG"},{"symbol":"EURUSD","timeframe":"1h"}]"#)
            #expect(ab != nil && ba != nil)
            #expect(ab != ba)
            #expect(ab == again)
        }
    }

    @Test func datasetCountLimit_andBadEntries_are422WithPaths() async throws {
        try await withRunningService(configure: { $0.maxDatasetsPerRun = 2 }) { port, _ in
            func paths(_ body: String) throws -> [String] {
                let response = try call(port, "POST", "/backtests", body: body)
                guard response.status == 422 else { return ["status \(response.status)"] }
                return try json(response)["error"]?["details"]?.array?.compactMap { $0["path"]?.string } ?? []
            }
            let strategy = #""strategy":{"name":"dual_sma","params":{"fast":5,"slow":20}}"#
            let two = #"[{"symbol":"GOOG","timeframe":"1d"},{"symbol":"EURUSD","timeframe":"1h"}]"#
            let three =
                #"[{"symbol":"GOOG","timeframe":"1d"},{"symbol":"EURUSD","timeframe":"1h"},{"symbol":"BTCUSD","timeframe":"1mo"}]"#
            let accepted = try call(port, "POST", "/backtests", body: "{\"symbols\":\(two),\(strategy)}").status
            #expect(accepted == 202)
            let cases: [(String, [String])] = [
                ("{\"symbols\":\(three),\(strategy)}", ["symbols"]),
                ("{\"symbols\":[],\(strategy)}", ["symbols"]),
                ("{\"symbols\":\(two),\"dataset_id\":\"ds_x\",\(strategy)}", ["dataset_id"]),
                ("{\"symbols\":\(two),\"datasets\":[\"ds_x\"],\(strategy)}", ["datasets"]),
                (
                    "{\"symbols\":[{\"symbol\":\"GOOG\",\"timeframe\":\"2d\",\"extra\":1}],\(strategy)}",
                    ["symbols.0.extra", "symbols.0.timeframe"]
                ),
                ("{\"datasets\":[\"ds_missing\"],\(strategy)}", ["datasets.0"]),
                ("{\"datasets\":[\"ds_a\",\"ds_a\"],\(strategy)}", ["datasets.1"]),
                ("{\"datasets\":[1],\(strategy)}", ["datasets.0"]),
                (
                    "{\"symbols\":\(two),\(strategy),\"walk_forward\":{\"train_bars\":100,\"test_bars\":10}}",
                    ["walk_forward"]
                ),
                ("{\"symbols\":[{\"symbol\":\"NOPE\",\"timeframe\":\"1d\"}],\(strategy)}", ["symbols.0.symbol"]),
            ]
            for (body, expected) in cases {
                let found = try paths(body)
                #expect(found == expected, "\(body)")
            }
        }
    }
}

/// The results of a walk-forward run and of a multi-dataset run are the same bytes whatever the
/// engine's thread count and chunking.
@Suite struct ResearchDeterminismTests {
    static let bodies = [
        WalkForwardAPITests.request,
        #"{"symbols":\#(MultiDatasetTests.symbols),"strategy":{"name":"dual_sma"},"top_k":6,\#(MultiDatasetTests.grid)}"#,
    ]

    static func results(threads: Int, chunk: Int) async throws -> [String] {
        let collected = Collected()
        try await withRunningService(configure: {
            $0.engineThreads = threads
            $0.chunkVariants = chunk
        }) { port, _ in
            for body in Self.bodies {
                let runID = try MultiDatasetTests.submit(port, body)
                _ = try waitUntilFinished(port, runID)
                let results = try call(port, "GET", "/runs/\(runID)/results").text
                let curve = try call(port, "GET", "/runs/\(runID)/equity?variant=oos").text
                // Run ids differ between the services; everything else must not.
                collected.append(
                    results.replacingOccurrences(of: runID, with: "run")
                        + curve.replacingOccurrences(of: runID, with: "run"))
            }
        }
        return collected.values
    }

    @Test func resultsAreIdenticalForAnyThreadCountAndChunking() async throws {
        let one = try await Self.results(threads: 1, chunk: 4096)
        let three = try await Self.results(threads: 3, chunk: 2)
        #expect(one.count == 2)
        #expect(one == three)
    }
}

/// Strings gathered from the blocking test body.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ value: String) { lock.withLock { items.append(value) } }
    var values: [String] { lock.withLock { items } }
}
