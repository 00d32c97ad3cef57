import BacktestService
import Foundation
import TestSupport
import Testing

/// The files of a DONE run, checked against the JSON API they mirror.
@Suite struct ArtifactFileTests {
    @Test func theFilesMirrorTheResultsTradesAndEquityOfTheAPI() async throws {
        try await withRunningService { port, _ in
            let id = try Artifacts.finishedRun(port, smallGrid)
            let manifest = try Artifacts.manifest(port, id)
            #expect(manifest["run_id"]?.string == id)
            #expect(manifest["chain_prev"] == .null)
            #expect(manifest["manifest_hash"]?.string == Artifacts.expectedHash(manifest))
            let names = (manifest["files"]?.array ?? []).compactMap { $0["name"]?.string }
            #expect(names == ["summary.json", "results.csv", "equity.csv", "trades.csv"])
            let run = try json(try call(port, "GET", "/runs/\(id)"))
            #expect(manifest["input_hash"] == run["input_hash"])

            // results.csv: every top-K row, params then metrics, in the API's order and number form.
            let results = try json(try call(port, "GET", "/runs/\(id)/results"))["results"]?.array ?? []
            let resultsCSV = try call(port, "GET", "/runs/\(id)/artifacts/results.csv")
            #expect(resultsCSV.header("Content-Type") == "text/csv; charset=utf-8")
            let resultRows = Artifacts.table(resultsCSV.text)
            let params = ["fast", "slow", "threshold_bp", "delay_bars", "long_only"]
            #expect(resultRows.first == ["rank", "variant_key"] + params + Artifacts.metricNames)
            #expect((results.first?["metrics"]?.objectMembers ?? []).map(\.0) == Artifacts.metricNames)
            #expect(resultRows.count == results.count + 1)
            #expect(results.count == 10)  // the default top_k
            for (row, result) in zip(resultRows.dropFirst(), results) {
                let expected =
                    [Artifacts.cell(result["rank"]), Artifacts.cell(result["variant_key"])]
                    + params.map { Artifacts.cell(result["params"]?[$0]) }
                    + Artifacts.metricNames.map { Artifacts.cell(result["metrics"]?[$0]) }
                #expect(row == expected)
            }

            // trades.csv: every trade of rank 1, as /trades lists them.
            let trades = try json(try call(port, "GET", "/runs/\(id)/trades?limit=10000"))
            let tradeColumns = [
                "side", "entry_time", "entry_price", "exit_time", "exit_price", "size", "pnl", "pnl_pct", "fees",
                "borrow", "exit_reason",
            ]
            let tradeRows = Artifacts.table(try call(port, "GET", "/runs/\(id)/artifacts/trades.csv").text)
            #expect(tradeRows.first == tradeColumns)
            let tradeList = trades["trades"]?.array ?? []
            #expect(tradeRows.count == tradeList.count + 1)
            #expect(!tradeList.isEmpty)
            for (row, trade) in zip(tradeRows.dropFirst(), tradeList) {
                #expect(row == tradeColumns.map { Artifacts.cell(trade[$0]) })
            }

            // equity.csv: every bar of rank 1 (the API's series undownsampled).
            let equity = try json(try call(port, "GET", "/runs/\(id)/equity?max_points=100000"))
            let equityRows = Artifacts.table(try call(port, "GET", "/runs/\(id)/artifacts/equity.csv").text)
            #expect(equityRows.first == ["t", "equity", "drawdown_pct", "benchmark"])
            let points = equity["t"]?.array ?? []
            #expect(equityRows.count == points.count + 1)
            #expect(points.count > 100)
            for (index, row) in equityRows.dropFirst().enumerated() {
                let expected = ["t", "equity", "drawdown", "benchmark"].map {
                    Artifacts.cell(equity[$0]?.array?[index])
                }
                #expect(row == expected)
            }

            // summary.json: the run document and rank-1 metrics.
            let summaryResponse = try call(port, "GET", "/runs/\(id)/artifacts/summary.json")
            #expect(summaryResponse.header("Content-Type") == "application/json")
            let summary = try json(summaryResponse)
            #expect(summary["run"]?["run_id"]?.string == id)
            #expect(summary["run"]?["status"] == "DONE")
            #expect(summary["run"]?["best"] == run["best"])
            #expect(summary["run"]?["request"] == run["request"])
            #expect(summary["metrics"] == results.first?["metrics"])

            // Each file's size and hash are the manifest's.
            for entry in manifest["files"]?.array ?? [] {
                let name = try #require(entry["name"]?.string)
                let response = try call(port, "GET", "/runs/\(id)/artifacts/\(name)")
                #expect(response.status == 200)
                #expect(entry["size"]?.integer == response.body.count)
                #expect(response.header("Content-Length") == String(response.body.count))
                #expect(entry["sha256"]?.string == InputHash.sha256Hex(response.body))
                #expect(response.header("ETag") == "\"\(InputHash.sha256Hex(response.body))\"")
            }
        }
    }

    @Test func anETagAnswers304AndOtherNamesAre404() async throws {
        try await withRunningService { port, _ in
            let id = try Artifacts.finishedRun(port, seededGrid(1))
            let first = try call(port, "GET", "/runs/\(id)/artifacts/trades.csv")
            let tag = try #require(first.header("ETag"))
            let cached = try call(port, "GET", "/runs/\(id)/artifacts/trades.csv", headers: ["If-None-Match: \(tag)"])
            #expect(cached.status == 304)
            #expect(cached.body.isEmpty)
            #expect(cached.header("ETag") == tag)
            let listed = try call(
                port, "GET", "/runs/\(id)/artifacts/trades.csv", headers: ["If-None-Match: \"x\", W/\(tag)"])
            #expect(listed.status == 304)
            let stale = try call(port, "GET", "/runs/\(id)/artifacts/trades.csv", headers: ["If-None-Match: \"abc\""])
            #expect(stale.status == 200)
            #expect(stale.body == first.body)
            let manifest = try call(port, "GET", "/runs/\(id)/artifacts")
            let manifestTag = try #require(manifest.header("ETag"))
            #expect(
                try call(port, "GET", "/runs/\(id)/artifacts", headers: ["If-None-Match: \(manifestTag)"]).status == 304
            )
            for name in ["nope.csv", "catalog.sqlite", "..", ".results.csv.tmp", "%2e%2e%2fcatalog.sqlite"] {
                let response = try call(port, "GET", "/runs/\(id)/artifacts/\(name)")
                #expect(response.status == 404, "\(name)")
                #expect(try json(response)["error"]?["code"] == "not_found", "\(name)")
            }
            let missing = try call(port, "GET", "/runs/run_missing/artifacts")
            #expect(missing.status == 404)
        }
    }

    @Test func aRunNotDoneAnswers409() async throws {
        try await withRunningService { port, _ in
            let grid =
                #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"range":{"start":2,"stop":60,"step":1}},"slow":{"range":{"start":61,"stop":400,"step":1}}}}"#
            let id = try Artifacts.submit(port, grid)
            let early = try call(port, "GET", "/runs/\(id)/artifacts")
            #expect(early.status == 409)
            #expect(try json(early)["error"]?["code"] == "conflict")
            #expect(try call(port, "GET", "/runs/\(id)/artifacts/results.csv").status == 409)
            _ = try call(port, "POST", "/runs/\(id)/cancel")
            #expect(try waitUntilFinished(port, id)["status"] == "CANCELLED")
            #expect(try call(port, "GET", "/runs/\(id)/artifacts").status == 409)
        }
    }

    @Test func anotherOwnersArtifactsAre404() async throws {
        try await withRunningService { port, service in
            let alice = bearer(try makeKey(service, owner: "alice", tier: "free"))
            let bob = bearer(try makeKey(service, owner: "bob", tier: "free"))
            let id = try Artifacts.finishedRun(port, seededGrid(2), headers: alice)
            #expect(try call(port, "GET", "/runs/\(id)/artifacts", headers: alice).status == 200)
            #expect(try call(port, "GET", "/runs/\(id)/artifacts/results.csv", headers: alice).status == 200)
            for path in ["/runs/\(id)/artifacts", "/runs/\(id)/artifacts/results.csv"] {
                let response = try call(port, "GET", path, headers: bob)
                #expect(response.status == 404)
                #expect(try json(response)["error"]?["code"] == "not_found")
            }
            #expect(try call(port, "GET", "/runs/\(id)/artifacts").status == 401)
        }
    }
}
