import BacktestEngine
import Foundation

/// The CSV files of a run's artifacts (RFC 4180, `\n` line ends, a header line first). Cells are
/// the very values the JSON API answers, numbers in the same shortest round-trip form; a JSON
/// `null` (a missing exit, a non-finite metric) is an empty cell.
enum ArtifactCSV {
    static let parameterColumns = ["fast", "slow", "threshold_bp", "delay_bars", "long_only"]
    static let tradeColumns = [
        "side", "entry_time", "entry_price", "exit_time", "exit_price", "size", "pnl", "pnl_pct", "fees", "borrow",
        "exit_reason",
    ]
    static let equityColumns = ["t", "equity", "drawdown_pct", "benchmark"]

    /// The metric names, in the order `GET /runs/{id}/results` lists them (a test holds the two equal).
    static let metricColumns = [
        "start_value", "end_value", "total_return_pct", "benchmark_return_pct", "max_gross_exposure_pct",
        "total_fees_paid", "max_drawdown_pct", "max_drawdown_duration_s", "total_trades", "total_closed_trades",
        "total_open_trades", "open_trade_pnl", "win_rate_pct", "best_trade_pct", "worst_trade_pct",
        "avg_winning_trade_pct", "avg_losing_trade_pct", "avg_winning_trade_duration_s",
        "avg_losing_trade_duration_s", "profit_factor", "expectancy", "sharpe_ratio", "calmar_ratio", "omega_ratio",
        "sortino_ratio", "cagr_pct", "exposure_time_pct",
    ]

    static var resultColumns: [String] { ["rank", "variant_key"] + parameterColumns + metricColumns }

    /// `results.csv`: every kept row, best first.
    static func results(_ top: [RankedVariant]) -> [UInt8] {
        var rows: [[JSONValue]] = []
        for (index, ranked) in top.enumerated() {
            let parameters = ResultEncoding.parameters(ranked.variant)
            let metrics = ResultEncoding.metrics(ranked.metrics)
            rows.append(
                [.integer(index + 1), .string(ranked.variantKey)] + parameterColumns.map { parameters[$0] ?? .null }
                    + metricColumns.map { metrics[$0] ?? .null })
        }
        return table(resultColumns, rows)
    }

    /// `trades.csv`: every trade of rank 1, as `GET /runs/{id}/trades` lists them.
    static func trades(_ detailed: DetailedRun, series: OHLCVSeries) -> [UInt8] {
        table(
            tradeColumns,
            detailed.trades.map { trade in
                let object = BacktestService.tradeDocument(trade, series: series)
                return tradeColumns.map { object[$0] ?? .null }
            })
    }

    /// `equity.csv`: one line per bar of rank 1 (no downsampling).
    static func equity(_ detailed: DetailedRun, series: OHLCVSeries, settings: BacktestSettings) -> [UInt8] {
        let curves = BacktestService.equityCurves(detailed, series: series, settings: settings)
        return table(
            equityColumns,
            curves.equity.indices.map { index in
                [
                    .string(TimestampParser.format(milliseconds: series.timestamps[index + detailed.firstBar])),
                    .number(curves.equity[index]), .number(curves.drawdownPct[index]),
                    .number(curves.benchmark[index]),
                ]
            })
    }

    static func table(_ header: [String], _ rows: [[JSONValue]]) -> [UInt8] {
        var out = header.map(quoted).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map(cell).joined(separator: ",")
            out += "\n"
        }
        return Array(out.utf8)
    }

    static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.isFinite ? ECMAScriptNumber.format(number) : ""
        case .string(let text): return quoted(text)
        case .raw(let text): return quoted(text)
        case .array, .object: return quoted(JSONWriter.compact(value))
        }
    }

    /// RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled.
    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
