import BacktestService
import Foundation
import TestSupport
import Testing

/// `GET /runs` carries each DONE run's best variant (key and total return), `null` for the others.
@Suite struct RunListTests {
    @Test func list_namesTheBestVariantOfDoneRuns_andNullOtherwise() async throws {
        try await withRunningService { port, _ in
            let done = try #require(try json(try call(port, "POST", "/backtests", body: smallGrid))["run_id"]?.string)
            let run = try waitUntilFinished(port, done)
            #expect(run["status"] == "DONE")
            try uploadWalk(port)
            let big = try #require(try json(try call(port, "POST", "/backtests", body: walkGrid))["run_id"]?.string)
            _ = try call(port, "POST", "/runs/\(big)/cancel")
            #expect(try waitUntilFinished(port, big)["status"] == "CANCELLED")

            let runs = try #require(try json(try call(port, "GET", "/runs"))["runs"]?.array)
            let entry = try #require(runs.first { $0["run_id"]?.string == done })
            #expect(entry["best"]?["variant_key"] == run["best"]?["variant_key"])
            #expect(entry["best"]?["total_return_pct"] == run["best"]?["metrics"]?["total_return_pct"])
            #expect(entry["best"]?["total_return_pct"]?.number != nil)
            // Only the two fields: the list stays small however many metrics a run has.
            #expect(entry["best"]?.objectMembers?.map(\.0) == ["variant_key", "total_return_pct"])
            let cancelled = try #require(runs.first { $0["run_id"]?.string == big })
            #expect(cancelled["best"] == .null)
            // The single-run document keeps its full `best` (params and metrics).
            #expect(run["best"]?["metrics"]?["sharpe_ratio"] != nil)
        }
    }
}
