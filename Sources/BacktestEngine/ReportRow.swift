/// One line of the human report, in vectorbt's order and naming, then ours.
public struct ReportRow: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case number(Double)
        case text(String)
        case null
    }

    public let name: String
    public let value: Value
    /// Why a value is null when it could exist (an infinite ratio).
    public let note: String?

    /// vectorbt `Portfolio.stats()` titles, in order.
    public static let vectorbtNames = [
        "Start", "End", "Period", "Start Value", "End Value", "Total Return [%]", "Benchmark Return [%]",
        "Max Gross Exposure [%]", "Total Fees Paid", "Max Drawdown [%]", "Max Drawdown Duration", "Total Trades",
        "Total Closed Trades", "Total Open Trades", "Open Trade PnL", "Win Rate [%]", "Best Trade [%]",
        "Worst Trade [%]", "Avg Winning Trade [%]", "Avg Losing Trade [%]", "Avg Winning Trade Duration",
        "Avg Losing Trade Duration", "Profit Factor", "Expectancy", "Sharpe Ratio", "Calmar Ratio", "Omega Ratio",
        "Sortino Ratio",
    ]

    /// The 30 rows; durations are seconds, Start/End RFC 3339.
    public static func rows(for m: VariantMetrics, series: OHLCVSeries, settings: BacktestSettings) -> [ReportRow] {
        func number(_ name: String, _ value: Double?, key: String? = nil) -> ReportRow {
            guard let value, value.isFinite else {
                return ReportRow(name: name, value: .null, note: key.flatMap { m.notes[$0] })
            }
            return ReportRow(name: name, value: .number(value), note: nil)
        }
        func text(_ name: String, _ milliseconds: Int64?) -> ReportRow {
            ReportRow(
                name: name, value: milliseconds.map { .text(TimestampParser.format(milliseconds: $0)) } ?? .null,
                note: nil)
        }
        let first = settings.firstMeasuredBar(count: series.count)
        return [
            text("Start", first < series.count ? series.timestamps[first] : nil),
            text("End", series.timestamps.last),
            number("Period", Double(series.count - first) * settings.barSeconds),
            number("Start Value", m.startValue),
            number("End Value", m.endValue),
            number("Total Return [%]", m.totalReturnPct),
            number("Benchmark Return [%]", m.benchmarkReturnPct),
            number("Max Gross Exposure [%]", m.maxGrossExposurePct),
            number("Total Fees Paid", m.totalFeesPaid),
            number("Max Drawdown [%]", m.maxDrawdownPct),
            number("Max Drawdown Duration", m.maxDrawdownDurationSeconds),
            number("Total Trades", Double(m.totalTrades)),
            number("Total Closed Trades", Double(m.totalClosedTrades)),
            number("Total Open Trades", Double(m.totalOpenTrades)),
            number("Open Trade PnL", m.openTradePnl),
            number("Win Rate [%]", m.winRatePct),
            number("Best Trade [%]", m.bestTradePct),
            number("Worst Trade [%]", m.worstTradePct),
            number("Avg Winning Trade [%]", m.avgWinningTradePct),
            number("Avg Losing Trade [%]", m.avgLosingTradePct),
            number("Avg Winning Trade Duration", m.avgWinningTradeDurationSeconds),
            number("Avg Losing Trade Duration", m.avgLosingTradeDurationSeconds),
            number("Profit Factor", m.profitFactor, key: "profit_factor"),
            number("Expectancy", m.expectancy),
            number("Sharpe Ratio", m.sharpeRatio),
            number("Calmar Ratio", m.calmarRatio, key: "calmar_ratio"),
            number("Omega Ratio", m.omegaRatio, key: "omega_ratio"),
            number("Sortino Ratio", m.sortinoRatio, key: "sortino_ratio"),
            number("CAGR [%]", m.cagrPct),
            number("Exposure Time [%]", m.exposureTimePct),
        ]
    }
}
