import BacktestService
import Foundation
import TestSupport
import Testing

@Suite struct DatasetTests {
    static let csv =
        "timestamp,open,high,low,close,volume\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n2020-01-02T00:00:00Z,1.5,2,1,1.8,12\n2020-01-03T00:00:00Z,1.8,2.5,1.7,2.2,9\n"

    @Test func upload_isIdempotentByContent() async throws {
        try await withRunningService { port, _ in
            let first = try call(
                port, "POST", "/datasets?symbol=TEST&timeframe=1d", body: Self.csv, contentType: "text/csv")
            #expect(first.status == 201)
            let created = try json(first)
            #expect(created["rows"] == 3)
            #expect(created["first"] == "2020-01-01T00:00:00Z")
            let again = try call(
                port, "POST", "/datasets?symbol=TEST&timeframe=1d", body: Self.csv, contentType: "text/csv")
            #expect(again.status == 200)
            #expect(try json(again)["dataset_id"] == created["dataset_id"])
            let id = try #require(created["dataset_id"]?.string)
            #expect(try json(try call(port, "GET", "/datasets/\(id)"))["symbol"] == "TEST")
            let candles = try json(try call(port, "GET", "/datasets/\(id)/candles?from=2020-01-02T00:00:00Z&limit=1"))
            #expect(candles["total"] == 2)
            #expect(candles["candles"]?.array?.first?["close"] == 1.8)
            // The timeframe is inferred when not given.
            let inferred = try call(
                port, "POST", "/datasets?symbol=INFER", body: Self.csv + "2020-01-04T00:00:00Z,2,3,2,2.5,1\n",
                contentType: "text/csv")
            #expect(try json(inferred)["timeframe"] == "1d")
        }
    }

    @Test func upload_withBadRowsNamesTheLinesAndStoresNothing() async throws {
        try await withRunningService { port, _ in
            let before = try json(try call(port, "GET", "/datasets"))["datasets"]?.array?.count
            let bad =
                "timestamp,open,high,low,close,volume\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\n2020-01-01T00:00:00Z,1,2,0.5,1.5,10\nnot-a-date,1,2,3\n"
            let response = try call(
                port, "POST", "/datasets?symbol=BAD&timeframe=1d", body: bad, contentType: "text/csv")
            #expect(response.status == 422)
            let details = try json(response)["error"]?["details"]?.array ?? []
            #expect(details.compactMap { $0["path"]?.string } == ["line 3", "line 4"])
            #expect(try json(try call(port, "GET", "/datasets"))["datasets"]?.array?.count == before)
            #expect(
                try call(port, "POST", "/datasets?timeframe=1d", body: Self.csv, contentType: "text/csv").status == 422)
            #expect(
                try call(port, "POST", "/datasets?symbol=X&timeframe=2d", body: Self.csv, contentType: "text/csv")
                    .status == 422)
            #expect(
                try call(port, "POST", "/datasets?symbol=X", body: Self.csv, contentType: "application/json").status
                    == 415)
            #expect(try call(port, "GET", "/datasets/ds_nope").status == 404)
        }
    }

    @Test func upload_sameBytesUnderTwoSymbolsMakesTwoDatasetsEachResolvable() async throws {
        try await withRunningService { port, _ in
            let csv = randomWalkCSV(bars: 300, seed: 7)
            let first = try call(port, "POST", "/datasets?symbol=ONE&timeframe=1h", body: csv, contentType: "text/csv")
            let second = try call(port, "POST", "/datasets?symbol=TWO&timeframe=1h", body: csv, contentType: "text/csv")
            #expect(first.status == 201)
            #expect(second.status == 201)
            let firstID = try #require(try json(first)["dataset_id"]?.string)
            let secondID = try #require(try json(second)["dataset_id"]?.string)
            #expect(firstID != secondID)
            #expect(try json(second)["symbol"] == "TWO")
            let again = try call(port, "POST", "/datasets?symbol=TWO&timeframe=1h", body: csv, contentType: "text/csv")
            #expect(again.status == 200)
            #expect(try json(again)["dataset_id"]?.string == secondID)
            for symbol in ["ONE", "TWO"] {
                let submitted = try call(
                    port, "POST", "/backtests",
                    body:
                        #"{"symbol":"\#(symbol)","timeframe":"1h","strategy":{"name":"dual_sma","params":{"fast":5,"slow":20}}}"#
                )
                #expect(submitted.status == 202)
                let runID = try #require(try json(submitted)["run_id"]?.string)
                let run = try waitUntilFinished(port, runID)
                #expect(run["status"] == "DONE")
                #expect(run["dataset_id"]?.string == (symbol == "ONE" ? firstID : secondID))
            }
        }
    }

    @Test func samples_areImportedOnFirstStartAndResolveBySymbol() async throws {
        try await withRunningService { port, _ in
            let datasets = try json(try call(port, "GET", "/datasets"))["datasets"]?.array ?? []
            let pairs = Set(
                datasets.compactMap { d -> String? in
                    guard let s = d["symbol"]?.string, let t = d["timeframe"]?.string else { return nil }
                    return "\(s)/\(t)"
                })
            #expect(pairs.isSuperset(of: ["GOOG/1d", "EURUSD/1h", "BTCUSD/1mo"]))
            #expect(try call(port, "GET", "/readyz").status == 200)
        }
    }
}
