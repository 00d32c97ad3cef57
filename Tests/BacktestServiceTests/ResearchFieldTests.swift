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

    static func grid(_ axes: String) -> String { #","grid":{"# + axes + "}" }

    @Test func gridAxes_unknownNamesAndNullsWhereNotAllowed() throws {
        #expect(Self.refusal(Self.grid(#""risk.stop":{"values":[1]}"#)) == ["grid.risk.stop"])
        #expect(Self.refusal(Self.grid(#""execution.borrow_bps":{"values":[1]}"#)) == ["grid.execution.borrow_bps"])
        #expect(Self.refusal(Self.grid(#""fast":{"values":[5,null]}"#)) == ["grid.fast.values"])
        #expect(Self.refusal(Self.grid(#""execution.fee_bps":{"values":[null]}"#)) == ["grid.execution.fee_bps.values"])
        #expect(
            Self.refusal(Self.grid(#""risk.params.fraction":{"values":[null,1]}"#)) == [
                "grid.risk.params.fraction.values"
            ])
        #expect(
            Self.refusal(Self.grid(#""risk.stop_loss_pct":{"values":["2"]}"#)) == ["grid.risk.stop_loss_pct.values"])
        let stops = try Self.parse(Self.grid(#""risk.stop_loss_pct":{"values":[2,null,1,2,null]}"#))
        let axis = try #require(stops.gridAxes.first)
        #expect(axis.values.count == 3)
        #expect(axis.values[0].isNaN)
        #expect(Array(axis.values.dropFirst()) == [1, 2])
        #expect(try Self.parse(Self.grid(#""risk.take_profit_pct":{"values":[null]}"#)).grid.validCount == 1)
    }

    /// Every new axis at its bounds (accepted) and just past them (refused, naming the axis).
    @Test func gridAxes_valuesAtTheirLimitsAndOnePast() throws {
        let cases: [(String, [String], [String])] = [
            ("risk.stop_loss_pct", ["0.0001", "100"], ["0", "100.0001", "-1"]),
            ("risk.take_profit_pct", ["0.0001", "1000000"], ["0", "1000000.5"]),
            ("risk.params.fraction", ["0.001", "100"], ["0", "100.5"]),
            ("execution.fee_bps", ["0", "1000"], ["-0.5", "1000.5"]),
            ("execution.slippage_bps", ["0", "1000"], ["-0.5", "1000.5"]),
        ]
        for (name, good, bad) in cases {
            for value in good {
                let request = try Self.parse(Self.grid(#""\#(name)":{"values":[\#(value)]}"#))
                #expect(request.gridAxes.first?.parameter.rawValue == name)
            }
            for value in bad {
                #expect(
                    Self.refusal(Self.grid(#""\#(name)":{"values":[\#(value)]}"#)) == ["grid.\(name).values"],
                    "\(name) \(value)")
            }
            #expect(
                Self.refusal(Self.grid(#""\#(name)":{"range":{"start":1,"stop":2000001,"step":1000000}}"#))
                    == ["grid.\(name).range"])
        }
    }

    @Test func gridAxes_theCombinationLimitCountsEveryAxisAtNAndNPlusOne() throws {
        let parser = RequestParser(maxGridVariants: 24, requiresData: false)
        let atLimit =
            #"{"strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[2,3]},"slow":{"values":[10,20,30]},"risk.stop_loss_pct":{"values":[null,1]},"execution.fee_bps":{"values":[0,5]}}}"#
        #expect(try parser.parse(Array(atLimit.utf8)).grid.validCount == 24)
        let past =
            #"{"strategy":{"name":"dual_sma"},"grid":{"fast":{"values":[2,3]},"slow":{"values":[10,20,30]},"risk.stop_loss_pct":{"values":[null,1,2]},"execution.fee_bps":{"values":[0,5]}}}"#
        do {
            _ = try parser.parse(Array(past.utf8))
            Issue.record("36 > 24")
        } catch {
            #expect(error.details.map(\.message) == ["has 36 combinations, more than the limit of 24"])
        }
        // Nine axes of 100,000 values pass 2^128: refused without a wrapped count.
        let ranges = [
            "fast": (1, 50000, 1), "slow": (2, 50001, 1), "delay_bars": (0, 49999, 1), "threshold_bp": (0, 4999.9, 0.1),
            "execution.fee_bps": (0, 499.99, 0.01), "execution.slippage_bps": (0, 499.99, 0.01),
            "risk.params.fraction": (0.001, 50, 0.001), "risk.stop_loss_pct": (0.001, 50, 0.001),
            "risk.take_profit_pct": (1, 50000, 1),
        ]
        #expect(ranges.count == GridParameter.allCases.count)
        let huge = ranges.map { name, range in
            #""\#(name)":{"range":{"start":\#(range.0),"stop":\#(range.1),"step":\#(range.2)}}"#
        }
        do {
            _ = try parser.parse(
                Array(("{\"strategy\":{\"name\":\"dual_sma\"},\"grid\":{" + huge.joined(separator: ",") + "}}").utf8))
            Issue.record("must be refused")
        } catch {
            #expect(error.details.map(\.path) == ["grid"])
            #expect(error.details.first?.message.hasPrefix("has more than 2^128 combinations") == true)
        }
    }

    @Test func gridAxes_aGriddedSettingIsNeutralInTheNormalForm() throws {
        let a = try Self.canonical(
            #","risk":{"stop_loss_pct":5},"execution":{"fee_bps":3}"#
                + Self.grid(
                    #""fast":{"values":[2]},"risk.stop_loss_pct":{"values":[1,null]},"execution.fee_bps":{"values":[1]}"#
                ))
        let b = try Self.canonical(
            Self.grid(
                #""execution.fee_bps":{"values":[1]},"risk.stop_loss_pct":{"values":[null,1]},"fast":{"values":[2]}"#))
        #expect(a == b)
        #expect(a.contains(#""risk.stop_loss_pct":{"values":[null,1]}"#))
    }

    @Test func heatmap_namesTwoDifferentAxesOfTheGrid() throws {
        let axes = #""fast":{"values":[2,3]},"slow":{"values":[10,20]},"risk.stop_loss_pct":{"values":[null,1]}"#
        #expect(try Self.parse(Self.grid(axes)).heatmap == HeatmapAxes(x: .fast, y: .slow))
        let chosen = try Self.parse(Self.grid(axes) + #","heatmap":{"x":"risk.stop_loss_pct","y":"fast"}"#)
        #expect(chosen.heatmap == HeatmapAxes(x: .stopLossPct, y: .fast))
        #expect(Self.refusal(Self.grid(axes) + #","heatmap":{"x":"fast","y":"fast"}"#) == ["heatmap.y"])
        #expect(Self.refusal(Self.grid(axes) + #","heatmap":{"x":"fast","y":"delay_bars"}"#) == ["heatmap.y"])
        #expect(Self.refusal(Self.grid(axes) + #","heatmap":{"x":"fast"}"#) == ["heatmap.y"])
        #expect(Self.refusal(Self.grid(axes) + #","heatmap":{"x":"fast","y":"slow","z":1}"#) == ["heatmap.z"])
        #expect(Self.refusal(#","heatmap":{"x":"fast","y":"slow"}"#) == ["heatmap.x", "heatmap.y"])
        // The default choice spelled out is the same input; another choice is another input.
        #expect(
            try Self.canonical(Self.grid(axes) + #","heatmap":{"x":"fast","y":"slow"}"#)
                == Self.canonical(Self.grid(axes)))
        #expect(
            try Self.canonical(Self.grid(axes) + #","heatmap":{"x":"slow","y":"fast"}"#)
                != Self.canonical(Self.grid(axes)))
    }

    /// A row's `spec`, parsed as a single-run request, runs exactly the variant the grid ran:
    /// random grids on every axis, each variant's spec re-parsed and re-run, bit for bit.
    @Test func specOfEveryVariantReproducesItsMetrics() throws {
        let walk = PreparedSeries(SyntheticSeries.randomWalk(bars: 800, seed: 4))
        var random = SeededGenerator(seed: 99)
        let options: [(String, [String])] = [
            ("fast", ["2", "5", "9"]), ("slow", ["20", "45"]), ("delay_bars", ["0", "2"]),
            ("threshold_bp", ["0", "15"]),
            ("execution.fee_bps", ["0", "4.5"]), ("execution.slippage_bps", ["0", "3"]),
            ("risk.params.fraction", ["0.5", "1"]), ("risk.stop_loss_pct", ["null", "1.5", "4"]),
            ("risk.take_profit_pct", ["null", "2", "9"]),
        ]
        var compared = 0
        for _ in 0..<10 {
            let chosen = options.filter { _ in random.nextUnit() < 0.5 }.map { name, values in
                let picked = values.filter { _ in random.nextUnit() < 0.7 }
                return #""\#(name)":{"values":[\#((picked.isEmpty ? [values[0]] : picked).joined(separator: ","))]}"#
            }
            let body =
                #","execution":{"fee_bps":2,"fill_price":"open_next"},"risk":{"take_profit_pct":6},"warmup_bars":50"#
                + Self.grid(chosen.joined(separator: ","))
            guard let request = try? Self.parse(body) else { continue }
            let grid = request.grid
            let variants =
                grid.axes.isEmpty
                ? [GridVariant(parameters: request.parameters, settings: request.settings)] : grid.expand().variants
            let outcome = try GridRunner(workers: 2).run(
                variants, keys: { grid.variantKey($0) }, on: walk, settings: request.settings, topK: variants.count)
            for ranked in outcome.top {
                let spec = ResultSpec.make(
                    ranked.parameters, settings: ranked.settings(request.settings), normalized: request.normalized,
                    datasetID: "ds_x")
                let single = try RequestParser(maxGridVariants: 1).parse(spec)
                #expect(single.gridAxes.isEmpty)
                #expect(
                    Backtester.metrics(single.parameters, on: walk, settings: single.settings) == ranked.metrics,
                    "\(ranked.variantKey)")
                compared += 1
            }
        }
        #expect(compared > 20)
    }
}
