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

    /// Complete parameters, enough to resubmit as a single backtest.
    static func parameters(_ p: DualSMAParameters) -> JSONValue {
        .object([
            ("fast", .integer(p.fast)), ("slow", .integer(p.slow)), ("threshold_bp", .number(p.thresholdBp)),
            ("delay_bars", .integer(p.delayBars)), ("long_only", .bool(p.longOnly)),
        ])
    }

    /// Parameters as `parameters(_:)` wrote them (defaults for anything missing).
    static func storedParameters(_ params: JSONValue) -> DualSMAParameters {
        DualSMAParameters(
            fast: params["fast"]?.integer ?? 1, slow: params["slow"]?.integer ?? 2,
            thresholdBp: params["threshold_bp"]?.number ?? 0,
            delayBars: params["delay_bars"]?.integer ?? 0, longOnly: params["long_only"]?.bool ?? true)
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
        validation: Validation.Report?, ranking: Ranking = Ranking()
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("rank", .integer(rank)), ("variant_key", .string(ranked.variantKey)),
            ("params", parameters(ranked.parameters)),
            ("metrics", metrics(ranked.metrics)),
            ("report", report(ReportRow.rows(for: ranked.metrics, series: series, settings: settings))),
        ]
        // Marked only when the request sets `min_trades`: rows of other runs keep their form.
        if ranking.minTrades > 0 { members.append(("below_min_trades", .bool(!ranking.qualifies(ranked.metrics)))) }
        if let validation { members.append(("validation", Self.validation(validation))) }
        return .object(members)
    }

    /// Counts and, for two-parameter grids, the total-return matrix (rows: first axis by name).
    static func grid(_ grid: ParameterGrid, combinationIndex: [Int], totalReturns: [Double], skipped: Int) -> JSONValue
    {
        var members: [(String, JSONValue)] = [
            ("parameters", .array(grid.axes.map { .string($0.parameter.rawValue) })),
            ("combinations", .integer(grid.combinationCount)), ("evaluated", .integer(totalReturns.count)),
            ("skipped", .integer(skipped)),
        ]
        if grid.axes.count == 2 {
            let rows = grid.axes[0].values
            let columns = grid.axes[1].values
            var matrix = [[JSONValue]](
                repeating: [JSONValue](repeating: .null, count: columns.count), count: rows.count)
            for (evaluated, combination) in combinationIndex.enumerated() {
                matrix[combination / columns.count][combination % columns.count] = .number(totalReturns[evaluated])
            }
            members.append(
                (
                    "heatmap",
                    .object([
                        ("row_param", .string(grid.axes[0].parameter.rawValue)),
                        ("col_param", .string(grid.axes[1].parameter.rawValue)),
                        ("rows", .array(rows.map { .number($0) })),
                        ("cols", .array(columns.map { .number($0) })), ("metric", "total_return_pct"),
                        ("values", .array(matrix.map { .array($0) })),
                    ])
                ))
        } else {
            members.append(("heatmap", .null))
        }
        return .object(members)
    }
}
