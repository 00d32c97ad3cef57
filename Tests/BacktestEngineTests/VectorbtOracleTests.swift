import Foundation
import Testing

@testable import BacktestEngine

@Suite struct VectorbtOracleTests {
    static func settings(fees: Double) -> BacktestSettings {
        var settings = BacktestSettings()
        settings.execution.feeBps = fees * 10_000
        return settings
    }

    @Test(arguments: ["GOOG_1d_fees0.json", "GOOG_1d_fees0.001.json"])
    func grid_reproducesEveryOracleRow(file: String) throws {
        let oracle = try Fixtures.json("vectorbt/\(file)")
        let fees = (oracle["params"] as? [String: Any])?["fees"] as? Double ?? -1
        let rows = try #require(oracle["results"] as? [[String: Any]])
        #expect(rows.count == 174)
        #expect(Fixtures.goog.count == 2148)
        let settings = Self.settings(fees: fees)
        for row in rows {
            let fast = try #require(row["fast"] as? Int)
            let slow = try #require(row["slow"] as? Int)
            let run = Backtester.detailed(
                DualSMAParameters(fast: fast, slow: slow), on: Fixtures.goog, settings: settings)
            let m = run.metrics
            let label = "\(file) fast=\(fast) slow=\(slow)"
            #expect(expectClose(m.totalReturnPct, row["total_return_pct"] as? Double), "\(label) total return")
            #expect(expectClose(m.maxDrawdownPct, row["max_drawdown_pct"] as? Double), "\(label) max drawdown")
            #expect(m.totalTrades == row["total_trades"] as? Int, "\(label) trades")
            #expect(m.totalClosedTrades == row["closed_trades"] as? Int, "\(label) closed")
            #expect(m.totalOpenTrades == row["open_trades"] as? Int, "\(label) open")
            #expect(expectClose(m.winRatePct, row["win_rate_pct"] as? Double), "\(label) win rate")
            #expect(expectClose(m.sharpeRatio, row["sharpe_ratio"] as? Double), "\(label) sharpe")
            #expect(expectClose(m.endValue, row["final_equity"] as? Double), "\(label) final equity")
            let expectedTrades = (row["trades"] as? [[Any]] ?? []).map { pair in
                [pair[0] as? Int, pair.count > 1 ? pair[1] as? Int : nil]
            }
            let trades = run.trades.map { [$0.entryBar, $0.exitBar] as [Int?] }
            #expect(trades == expectedTrades, "\(label) trade bars")
        }
    }

    @Test(arguments: ["GOOG_1d_fees0.json", "GOOG_1d_fees0.001.json"], [1, 2])
    func gridRunner_matchesOracleWithAnyWorkerCount(file: String, workers: Int) throws {
        let oracle = try Fixtures.json("vectorbt/\(file)")
        let fees = (oracle["params"] as? [String: Any])?["fees"] as? Double ?? -1
        let rows = try #require(oracle["results"] as? [[String: Any]])
        let variants = rows.compactMap { row -> DualSMAParameters? in
            guard let fast = row["fast"] as? Int, let slow = row["slow"] as? Int else { return nil }
            return DualSMAParameters(fast: fast, slow: slow)
        }
        var runner = GridRunner(workers: workers)
        runner.chunkVariants = 7  // many chunks: results must not depend on them
        let outcome = try runner.run(
            variants, keys: { "fast=\($0.fast),slow=\($0.slow)" }, on: Fixtures.goog,
            settings: Self.settings(fees: fees),
            topK: 174)
        #expect(outcome.evaluated == 174)
        for (index, row) in rows.enumerated() {
            #expect(expectClose(outcome.totalReturns[index], row["total_return_pct"] as? Double), "row \(index)")
        }
        for ranked in outcome.top {
            let row = rows[ranked.variantIndex]
            #expect(expectClose(ranked.metrics.maxDrawdownPct, row["max_drawdown_pct"] as? Double))
            #expect(expectClose(ranked.metrics.sharpeRatio, row["sharpe_ratio"] as? Double))
            #expect(expectClose(ranked.metrics.winRatePct, row["win_rate_pct"] as? Double))
            #expect(ranked.metrics.totalTrades == row["total_trades"] as? Int)
        }
        let ordered = outcome.top.map(\.metrics.totalReturnPct)
        #expect(ordered == ordered.sorted(by: >))
    }

    @Test(arguments: ["GOOG_1d_fees0_stats.json", "GOOG_1d_fees0.001_stats.json"])
    func stats_reproduceAll28Fields(file: String) throws {
        let oracle = try Fixtures.json("vectorbt/\(file)")
        let fees = oracle["fees"] as? Double ?? -1
        let pairs = try #require(oracle["pairs"] as? [[String: Any]])
        #expect(pairs.count >= 6)
        for pair in pairs {
            let fast = try #require(pair["fast"] as? Int)
            let slow = try #require(pair["slow"] as? Int)
            let stats = try #require(pair["stats"] as? [String: Any])
            let metrics = Backtester.metrics(
                DualSMAParameters(fast: fast, slow: slow), on: Fixtures.goog, settings: Self.settings(fees: fees))
            let rows = ReportRow.rows(for: metrics, series: Fixtures.goog.series, settings: Self.settings(fees: fees))
            #expect(rows.count == 30)
            for (index, name) in ReportRow.vectorbtNames.enumerated() {
                let row = rows[index]
                #expect(row.name == name)
                let expected = stats[name]
                let label = "\(file) \(fast)/\(slow) \(name)"
                switch row.value {
                case .text(let text):
                    let expectedText = (expected as? String)?.replacingOccurrences(of: "+00:00", with: "Z")
                    #expect(text == expectedText, "\(label)")
                case .number(let value):
                    let number = (expected as? Double) ?? (expected as? Int).map(Double.init)
                    #expect(expectClose(value, number), "\(label): \(value) vs \(String(describing: expected))")
                case .null:
                    #expect(expected == nil || expected is NSNull, "\(label)")
                }
            }
        }
    }
}
