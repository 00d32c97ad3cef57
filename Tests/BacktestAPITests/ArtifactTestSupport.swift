import BacktestService
import Foundation
import TestSupport
import Testing

/// Reading artifacts back in tests: manifests, CSV tables, the hash rule.
enum Artifacts {
    static let metricNames = [
        "start_value", "end_value", "total_return_pct", "benchmark_return_pct", "max_gross_exposure_pct",
        "total_fees_paid", "max_drawdown_pct", "max_drawdown_duration_s", "total_trades", "total_closed_trades",
        "total_open_trades", "open_trade_pnl", "win_rate_pct", "best_trade_pct", "worst_trade_pct",
        "avg_winning_trade_pct", "avg_losing_trade_pct", "avg_winning_trade_duration_s",
        "avg_losing_trade_duration_s", "profit_factor", "expectancy", "sharpe_ratio", "calmar_ratio", "omega_ratio",
        "sortino_ratio", "cagr_pct", "exposure_time_pct",
    ]

    static func manifest(_ port: UInt16, _ runID: String, headers: [String] = []) throws -> JSONValue {
        let response = try call(port, "GET", "/runs/\(runID)/artifacts", headers: headers)
        #expect(response.status == 200)
        return try json(response)
    }

    /// SHA-256 of the JCS of the manifest without `manifest_hash`.
    static func expectedHash(_ manifest: JSONValue) -> String {
        let members = (manifest.objectMembers ?? []).filter { $0.0 != "manifest_hash" }
        return InputHash.sha256Hex(Array(JSONWriter.canonical(.object(members)).utf8))
    }

    /// An RFC 4180 CSV (quoted fields, doubled quotes, `\n` line ends) as lines of cells.
    static func table(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        while let character = characters.next() {
            if quoted {
                if character == "\"" {
                    // A doubled quote is one quote; a single one closes the field.
                    var lookahead = characters
                    if lookahead.next() == "\"" {
                        field.append("\"")
                        characters = lookahead
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        return rows
    }

    /// A JSON value as the CSV cell it must be.
    static func cell(_ value: JSONValue?) -> String {
        switch value {
        case .number(let number)?: return ECMAScriptNumber.format(number)
        case .string(let text)?: return text
        case .bool(let flag)?: return flag ? "true" : "false"
        default: return ""
        }
    }

    static func directory(_ dataDirectory: String, _ runID: String) -> String {
        dataDirectory + "/artifacts/" + runID
    }

    static func submit(_ port: UInt16, _ body: String, headers: [String] = []) throws -> String {
        let response = try call(port, "POST", "/backtests", body: body, headers: headers)
        guard let id = try json(response)["run_id"]?.string else {
            throw TestClient.Failure(message: "no run id: \(response.text)")
        }
        return id
    }

    /// Submits and waits for DONE.
    static func finishedRun(_ port: UInt16, _ body: String, headers: [String] = []) throws -> String {
        let id = try submit(port, body, headers: headers)
        let run = try waitUntilFinished(port, id, headers: headers)
        #expect(run["status"] == "DONE")
        return id
    }
}
