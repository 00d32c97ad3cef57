import BacktestService
import Foundation
import TestSupport
import Testing

/// Issue 12 part A end to end: a grid over strategy, stop and fee axes ranked by Sharpe with a
/// trade minimum, a warm-up, trade lists and a chosen heatmap, on a real server.
@Suite struct ResearchRunTests {
    static let body =
        #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[5,10,20]},"slow":{"values":[50,100]},"risk.stop_loss_pct":{"values":[null,3,8]},"execution.fee_bps":{"values":[0,10]}},"heatmap":{"x":"fast","y":"risk.stop_loss_pct"},"rank_by":"sharpe_ratio","min_trades":19,"warmup_bars":100,"top_k":36,"top_trades_n":2}"#

    @Test func aWideGridRanksMarksListsTradesAndAggregatesTheHeatmap() async throws {
        try await withRunningService { port, _ in
            let runID = try #require(try json(try call(port, "POST", "/backtests", body: Self.body))["run_id"]?.string)
            #expect(try waitUntilFinished(port, runID)["status"] == "DONE")
            let results = try json(try call(port, "GET", "/runs/\(runID)/results"))
            let rows = try #require(results["results"]?.array)
            #expect(rows.count == 36)
            #expect(rows.first?["variant_key"]?.string?.hasPrefix("fast=") == true)
            #expect(
                rows.contains {
                    $0["variant_key"]?.string?.hasSuffix(",execution.fee_bps=10,risk.stop_loss_pct=null") == true
                })
            // Enough trades first, then Sharpe descending (nulls last), each part in order.
            let marks = rows.map { $0["below_min_trades"]?.bool }
            #expect(!marks.contains(nil))
            #expect(marks == marks.sorted { $0 == false && $1 == true })
            #expect(marks.contains(true) && marks.contains(false))
            for row in rows {
                let closed = try #require(row["metrics"]?["total_closed_trades"]?.integer)
                #expect(row["below_min_trades"]?.bool == (closed < 19))
                #expect(row["params"]?["risk.stop_loss_pct"] != nil)
                #expect(row["params"]?["execution.fee_bps"]?.number != nil)
            }
            let qualified = rows.filter { $0["below_min_trades"] == false }.compactMap {
                $0["metrics"]?["sharpe_ratio"]?.number
            }
            #expect(qualified == qualified.sorted(by: >))
            // Trade lists on the top two rows only, the same the trades endpoint gives.
            for rank in 1...2 {
                let listed = try #require(rows[rank - 1]["trades"]?.array)
                let page = try json(try call(port, "GET", "/runs/\(runID)/trades?variant=\(rank)&limit=1000"))
                #expect(page["total"]?.integer == listed.count)
                #expect(page["trades"]?.array == listed)
            }
            #expect(rows[2]["trades"] == nil)
            // The heatmap: fast rows × stop columns, each cell the best total return over slow and fee.
            let heatmap = try #require(results["grid"]?["heatmap"])
            #expect(heatmap["row_param"] == "fast")
            #expect(heatmap["col_param"] == "risk.stop_loss_pct")
            #expect(heatmap["cols"] == .array([.null, .number(3), .number(8)]))
            #expect(heatmap["aggregate"] == "max")
            let values = try #require(heatmap["values"]?.array)
            for (i, fast) in [5, 10, 20].enumerated() {
                for (j, stop) in [JSONValue.null, .number(3), .number(8)].enumerated() {
                    let best = rows.filter {
                        $0["params"]?["fast"]?.integer == fast && $0["params"]?["risk.stop_loss_pct"] == stop
                    }
                    .compactMap { $0["metrics"]?["total_return_pct"]?.number }.max()
                    #expect(values[i].array?[j].number == best)
                }
            }
            // The warm-up: the report and the equity curve start at bar 100.
            let start = try #require(rows.first?["report"]?.array?.first?["value"]?.string)
            let equity = try json(try call(port, "GET", "/runs/\(runID)/equity?max_points=10"))
            #expect(equity["t"]?.array?.first?.string == start)
            #expect(start == "2005-01-11T00:00:00Z")
            // A row's spec, posted alone, gives the row's metrics (a stopped and an unstopped variant).
            for row in [rows[0], rows.first { $0["params"]?["risk.stop_loss_pct"] == .null } ?? rows[0]] {
                let spec = JSONWriter.compact(try #require(row["spec"]))
                #expect(spec.contains(#""warmup_bars":100"#))
                let single = try #require(try json(try call(port, "POST", "/backtests", body: spec))["run_id"]?.string)
                #expect(try waitUntilFinished(port, single)["status"] == "DONE")
                let again = try json(try call(port, "GET", "/runs/\(single)/results"))["results"]?.array?.first
                #expect(again?["metrics"] == row["metrics"])
            }
        }
    }

    /// GOOG_1d has 2,148 bars: a warm-up of 2,147 leaves one, 2,148 leaves none.
    @Test func theWarmupMustLeaveABar() async throws {
        try await withRunningService { port, _ in
            func post(_ warmup: Int) throws -> TestClient.Response {
                try call(
                    port, "POST", "/backtests",
                    body: #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"warmup_bars":\#(warmup)}"#
                )
            }
            #expect(try post(2147).status == 202)
            let refused = try post(2148)
            #expect(refused.status == 422)
            #expect(try json(refused)["error"]?["details"]?.array?.first?["path"] == "warmup_bars")
            let unknownAxis = try call(
                port, "POST", "/backtests",
                body:
                    #"{"symbol":"GOOG","timeframe":"1d","strategy":{"name":"dual_sma"},"grid":{"risk.trailing_pct":{"values":[1]}}}"#
            )
            #expect(unknownAxis.status == 422)
            #expect(try json(unknownAxis)["error"]?["details"]?.array?.first?["path"] == "grid.risk.trailing_pct")
        }
    }
}
