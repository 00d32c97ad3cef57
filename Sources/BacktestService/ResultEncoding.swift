import BacktestEngine

/// Engine values as the API's JSON (snake_case metrics, ordered report rows).
enum ResultEncoding {
    static func metrics(_ m: VariantMetrics) -> JSONValue {
        .object([
            ("start_value", .number(m.startValue)), ("end_value", .number(m.endValue)),
            ("total_return_pct", .number(m.totalReturnPct)), ("benchmark_return_pct", .number(m.benchmarkReturnPct)),
            ("max_gross_exposure_pct", .number(m.maxGrossExposurePct)), ("total_fees_paid", .number(m.totalFeesPaid)),
            ("max_drawdown_pct", .number(m.maxDrawdownPct)),
            ("max_drawdown_duration_s", .number(m.maxDrawdownDurationSeconds)),
            ("total_trades", .integer(m.totalTrades)), ("total_closed_trades", .integer(m.totalClosedTrades)),
            ("total_open_trades", .integer(m.totalOpenTrades)), ("open_trade_pnl", .number(m.openTradePnl)),
            ("win_rate_pct", .number(m.winRatePct)), ("best_trade_pct", .number(m.bestTradePct)),
            ("worst_trade_pct", .number(m.worstTradePct)), ("avg_winning_trade_pct", .number(m.avgWinningTradePct)),
            ("avg_losing_trade_pct", .number(m.avgLosingTradePct)),
            ("avg_winning_trade_duration_s", .number(m.avgWinningTradeDurationSeconds)),
            ("avg_losing_trade_duration_s", .number(m.avgLosingTradeDurationSeconds)),
            ("profit_factor", .number(m.profitFactor)), ("expectancy", .number(m.expectancy)),
            ("sharpe_ratio", .number(m.sharpeRatio)), ("calmar_ratio", .number(m.calmarRatio)),
            ("omega_ratio", .number(m.omegaRatio)), ("sortino_ratio", .number(m.sortinoRatio)),
            ("cagr_pct", .number(m.cagrPct)), ("exposure_time_pct", .number(m.exposureTimePct)),
        ])
    }

    static func report(_ rows: [ReportRow]) -> JSONValue {
        .array(
            rows.map { row in
                var members: [(String, JSONValue)] = [("name", .string(row.name))]
                switch row.value {
                case .number(let value): members.append(("value", .number(value)))
                case .text(let text): members.append(("value", .string(text)))
                case .null: members.append(("value", .null))
                }
                if let note = row.note { members.append(("note", .string(note))) }
                return .object(members)
            })
    }

    /// Complete strategy parameters, enough to resubmit as a single backtest, and the value of
    /// every risk or execution axis of the grid under its full path (`"risk.stop_loss_pct": 2`,
    /// null for a disabled stop); `spec` has them in place.
    static func parameters(_ variant: GridVariant, axes: [ParameterGrid.Axis] = []) -> JSONValue {
        let p = variant.parameters
        return .object(
            [
                ("fast", .integer(p.fast)), ("slow", .integer(p.slow)), ("threshold_bp", .number(p.thresholdBp)),
                ("delay_bars", .integer(p.delayBars)), ("long_only", .bool(p.longOnly)),
            ]
                + axes.filter { !$0.parameter.isStrategy }.map {
                    ($0.parameter.rawValue, .number(variant.value($0.parameter)))
                })
    }

    /// Parameters as `parameters(_:)` wrote them (defaults for anything missing).
    static func storedParameters(_ params: JSONValue) -> DualSMAParameters {
        DualSMAParameters(
            fast: params["fast"]?.integer ?? 1, slow: params["slow"]?.integer ?? 2,
            thresholdBp: params["threshold_bp"]?.number ?? 0,
            delayBars: params["delay_bars"]?.integer ?? 0, longOnly: params["long_only"]?.bool ?? true)
    }

    /// The variant a stored `params` object describes: its strategy parameters and, on `settings`,
    /// the risk and execution values of the grid's axes (under their full paths; null = no stop).
    static func storedVariant(_ params: JSONValue, settings: BacktestSettings) -> GridVariant {
        var variant = GridVariant(parameters: storedParameters(params), settings: settings)
        for name in GridParameter.allCases where !name.isStrategy {
            guard let value = params[name.rawValue] else { continue }
            variant.set(name, value.number ?? .nan)
        }
        return variant
    }

    static func validation(_ report: Validation.Report) -> JSONValue {
        func percentiles(_ p: Validation.Percentiles) -> JSONValue {
            .object([("p5", .number(p.p5)), ("p50", .number(p.p50)), ("p95", .number(p.p95))])
        }
        return .object([
            (
                "permutation",
                report.permutation.map {
                    .object([
                        ("n", .integer($0.n)), ("p_value_total_return", .number($0.pValueTotalReturn)),
                        ("p_value_sharpe", .number($0.pValueSharpe)),
                    ])
                } ?? .null
            ),
            (
                "block_bootstrap",
                report.bootstrap.map {
                    .object([
                        ("n", .integer($0.n)), ("block_size", .integer($0.blockSize)),
                        ("total_return_pct", percentiles($0.totalReturnPct)), ("sharpe_ratio", percentiles($0.sharpe)),
                        ("prob_total_return_le_0", .number($0.probabilityOfLoss)),
                    ])
                } ?? .null
            ),
        ])
    }

    static func result(
        rank: Int, ranked: RankedVariant, series: OHLCVSeries, settings: BacktestSettings,
        validation: Validation.Report?, ranking: Ranking = Ranking(), axes: [ParameterGrid.Axis] = []
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("rank", .integer(rank)), ("variant_key", .string(ranked.variantKey)),
            ("params", parameters(ranked.variant, axes: axes)),
            ("metrics", metrics(ranked.metrics)),
            ("report", report(ReportRow.rows(for: ranked.metrics, series: series, settings: settings))),
        ]
        // Marked only when the request sets `min_trades`: rows of other runs keep their form.
        if ranking.minTrades > 0 { members.append(("below_min_trades", .bool(!ranking.qualifies(ranked.metrics)))) }
        if let validation { members.append(("validation", Self.validation(validation))) }
        return .object(members)
    }

    /// `trades` of a row ranked within `top_trades_n` (re-run in full: the grid keeps no trade), else nothing.
    static func trades(
        of ranked: RankedVariant, rank: Int, request: BacktestRequest, series: PreparedSeries,
        settings: BacktestSettings
    ) -> [(String, JSONValue)] {
        guard rank <= request.topTradesN else { return [] }
        let detailed = Backtester.detailed(ranked.parameters, on: series, settings: settings)
        return [("trades", .array(detailed.trades.map { BacktestService.tradeDocument($0, series: series.series) }))]
    }

    /// Counts and the heatmap: total returns over the two chosen axes (`x` the rows, `y` the
    /// columns), each cell the best (max) total return of the variants at that point over every
    /// other axis; null where no variant was evaluated (fast ≥ slow).
    static func grid(
        _ grid: ParameterGrid, combinationIndex: [Int], totalReturns: [Double], skipped: Int, heatmap: HeatmapAxes?
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("parameters", .array(grid.axes.map { .string($0.parameter.rawValue) })),
            ("combinations", .integer(grid.combinationCount)), ("evaluated", .integer(totalReturns.count)),
            ("skipped", .integer(skipped)),
        ]
        guard let heatmap, let x = grid.axes.firstIndex(where: { $0.parameter == heatmap.x }),
            let y = grid.axes.firstIndex(where: { $0.parameter == heatmap.y })
        else {
            members.append(("heatmap", .null))
            return .object(members)
        }
        let rows = grid.axes[x].values
        let columns = grid.axes[y].values
        var matrix = [[Double]](repeating: [Double](repeating: .nan, count: columns.count), count: rows.count)
        for (evaluated, combination) in combinationIndex.enumerated() {
            let row = grid.coordinate(of: combination, axis: x)
            let column = grid.coordinate(of: combination, axis: y)
            let value = totalReturns[evaluated]
            // NaN never wins (`max` would keep whichever came first).
            if matrix[row][column].isNaN || value > matrix[row][column] { matrix[row][column] = value }
        }
        func axisValue(_ value: Double) -> JSONValue { value.isNaN ? .null : .number(value) }
        members.append(
            (
                "heatmap",
                .object([
                    ("row_param", .string(heatmap.x.rawValue)), ("col_param", .string(heatmap.y.rawValue)),
                    ("rows", .array(rows.map(axisValue))), ("cols", .array(columns.map(axisValue))),
                    ("metric", "total_return_pct"),
                    ("aggregate", .string(grid.axes.count > 2 ? "max" : "none")),
                    ("values", .array(matrix.map { .array($0.map(axisValue)) })),
                ])
            ))
        return .object(members)
    }
}
