import Testing

@testable import BacktestEngine
@testable import BacktestService

/// The request fields of issue 12 part A: each accepted at its limits and refused one past them
/// with a 422 naming the field, and absent from the normalized form (the input hash) at its default.
@Suite struct ResearchFieldTests {
    static let parser = RequestParser(maxGridVariants: 1_000_000, requiresData: false)

    static func parse(_ extra: String) throws(ServiceError) -> BacktestRequest {
        try parser.parse(Array((#"{"strategy":{"name":"dual_sma"}"# + extra + "}").utf8))
    }

    /// The detail paths of the refusal of `extra`, or nil when it is accepted.
    static func refusal(_ extra: String) -> [String]? {
        do {
            _ = try parse(extra)
            return nil
        } catch {
            #expect(error.code == "validation_error")
            return error.details.map(\.path)
        }
    }

    static func canonical(_ extra: String) throws -> String { JSONWriter.canonical(try parse(extra).normalized) }

    @Test func rankBy_acceptsEveryObjectiveAndRefusesOthers() throws {
        for objective in RankObjective.allCases {
            #expect(try Self.parse(#","rank_by":"\#(objective.rawValue)""#).ranking.objective == objective)
        }
        #expect(Self.refusal(#","rank_by":"omega_ratio""#) == ["rank_by"])
        #expect(Self.refusal(#","rank_by":3"#) == ["rank_by"])
        #expect(try Self.parse("").ranking == Ranking())
    }

    @Test func minTrades_atTheLimitsAndOnePast() throws {
        #expect(try Self.parse(#","min_trades":0"#).ranking.minTrades == 0)
        #expect(try Self.parse(#","min_trades":1000000"#).ranking.minTrades == RequestParser.maxMinTrades)
        #expect(Self.refusal(#","min_trades":1000001"#) == ["min_trades"])
        #expect(Self.refusal(#","min_trades":-1"#) == ["min_trades"])
        #expect(Self.refusal(#","min_trades":1.5"#) == ["min_trades"])
    }

    @Test func rankingDefaultsLeaveTheNormalFormAsItWas() throws {
        let plain = try Self.canonical("")
        #expect(try Self.canonical(#","rank_by":"total_return_pct","min_trades":0"#) == plain)
        #expect(!plain.contains("rank_by"))
        let ranked = try Self.canonical(#","rank_by":"sharpe_ratio","min_trades":3"#)
        #expect(ranked.contains(#""rank_by":"sharpe_ratio""#))
        #expect(ranked.contains(#""min_trades":3"#))
    }

    @Test func warmupBars_parserLimitsAndNormalForm() throws {
        #expect(try Self.parse(#","warmup_bars":1000000000"#).settings.warmupBars == RequestParser.maxWarmupBars)
        #expect(Self.refusal(#","warmup_bars":1000000001"#) == ["warmup_bars"])
        #expect(Self.refusal(#","warmup_bars":-1"#) == ["warmup_bars"])
        #expect(Self.refusal(#","warmup_bars":null,"min_trades":"3""#) == ["min_trades"])
        #expect(try Self.canonical(#","warmup_bars":0"#) == Self.canonical(""))
        #expect(try Self.canonical(#","warmup_bars":25"#).contains(#""warmup_bars":25"#))
    }

    /// A 60-bar CSV: warm-up of 59 bars leaves one measured bar; 60 leaves none and is refused.
    @Test func warmupBars_mustLeaveABarOfTheData() throws {
        let series = SyntheticSeries.randomWalk(bars: 60, seed: 3)
        var csv = "timestamp,open,high,low,close,volume\n"
        for t in 0..<series.count {
            csv += "\(series.timestamps[t]),\(series.open[t]),\(series.high[t]),\(series.low[t]),\(series.close[t]),1\n"
        }
        func run(_ warmup: Int) throws(ServiceError) -> JSONValue {
            try OfflineBacktest.run(
                csv: Array(csv.utf8),
                request: Array(
                    #"{"strategy":{"name":"dual_sma","params":{"fast":2,"slow":5}},"warmup_bars":\#(warmup)}"#.utf8),
                timeframe: "1h", top: nil)
        }
        let accepted = try run(59)
        let row = try #require(accepted["results"]?.array?.first)
        #expect(row["metrics"]?["total_return_pct"] == .number(0))
        #expect(row["report"]?.array?[2]["value"] == .number(3600))
        do {
            _ = try run(60)
            Issue.record("60 warm-up bars of 60 must be refused")
        } catch {
            #expect(error.details.map(\.path) == ["warmup_bars"])
        }
    }

    @Test func topTradesN_atMostTopK() throws {
        #expect(try Self.parse(#","top_k":3,"top_trades_n":3"#).topTradesN == 3)
        #expect(Self.refusal(#","top_k":3,"top_trades_n":4"#) == ["top_trades_n"])
        #expect(Self.refusal(#","top_trades_n":-1"#) == ["top_trades_n"])
        #expect(try Self.canonical(#","top_trades_n":0"#) == Self.canonical(""))
        #expect(try Self.canonical(#","top_trades_n":2"#).contains(#""top_trades_n":2"#))
    }

    /// The top N rows carry the trades a single detailed run gives; row N + 1 carries none.
    @Test func topTradesN_rowsCarryTheirTrades() throws {
        let series = SyntheticSeries.randomWalk(bars: 400, seed: 9)
        var csv = "timestamp,open,high,low,close,volume\n"
        for t in 0..<series.count {
            csv += "\(series.timestamps[t]),\(series.open[t]),\(series.high[t]),\(series.low[t]),\(series.close[t]),1\n"
        }
        let body =
            #"{"strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[2,3,5]},"slow":{"values":[10,20]}},"top_k":4,"top_trades_n":2}"#
        let output = try OfflineBacktest.run(csv: Array(csv.utf8), request: Array(body.utf8), timeframe: "1h", top: 4)
        let rows = try #require(output["results"]?.array)
        #expect(rows.count == 4)
        let prepared = PreparedSeries(series)
        for (index, row) in rows.enumerated() {
            let trades = row["trades"]?.array
            if index < 2 {
                let parameters = DualSMAParameters(
                    fast: try #require(row["params"]?["fast"]?.integer),
                    slow: try #require(row["params"]?["slow"]?.integer))
                var settings = BacktestSettings()
                settings.barSeconds = 3600
                let expected = Backtester.detailed(parameters, on: prepared, settings: settings).trades
                #expect(trades?.count == expected.count)
                #expect(trades?.first?["entry_price"] == expected.first.map { .number($0.entryPrice) })
                #expect(trades?.last?["pnl"] == expected.last.map { .number($0.pnl) })
            } else {
                #expect(trades == nil)
            }
        }
    }
}
