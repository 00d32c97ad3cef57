import ArgumentParser
import BacktestService
import Foundation

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv

    /// A cell: CSV keeps every digit (it is for programs), the table rounds for people.
    func cell(_ value: JSONValue?) -> String {
        self == .csv ? CSVText.exact(value) : TextTable.format(value)
    }
}

/// `backtestd results RUN`: the ranked variants.
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "A finished run's ranked variants.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The run id.") var runID: String
    @Option(help: "table, json (the server's, untouched) or csv.") var format = OutputFormat.table
    @Option(help: "How many rows (1…1000).") var limit = 10

    static let columns = ["total_return_pct", "sharpe_ratio", "max_drawdown_pct", "total_trades", "win_rate_pct"]

    func run() throws {
        try runClient {
            let (value, response) = try options.client().json("GET", "/runs/\(runID)/results?limit=\(limit)")
            if format == .json { return printRaw(response) }
            let header = ["rank", "variant_key"] + Self.columns
            let rows = (value["results"]?.array ?? []).map { row in
                [format.cell(row["rank"]), row["variant_key"]?.string ?? ""]
                    + Self.columns.map { format.cell(row["metrics"]?[$0]) }
            }
            print(format == .csv ? CSVText.render(header, rows) : TextTable.render(header, rows))
        }
    }
}

/// `backtestd trades RUN [--variant V]`.
struct TradesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trades", abstract: "Trades of a ranked variant.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The run id.") var runID: String
    @Option(help: "A rank (1 = best) or a variant_key.") var variant: String?
    @Option(help: "table, json (the server's, untouched) or csv.") var format = OutputFormat.table
    @Option(help: "How many trades (1…10000).") var limit = 100

    static let columns = [
        "side", "entry_time", "entry_price", "exit_time", "exit_price", "size", "pnl", "pnl_pct", "exit_reason",
    ]

    func run() throws {
        try runClient {
            var path = "/runs/\(runID)/trades?limit=\(limit)"
            if let variant {
                path += "&variant=" + (variant.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? variant)
            }
            let (value, response) = try options.client().json("GET", path)
            if format == .json { return printRaw(response) }
            let rows = (value["trades"]?.array ?? []).map { trade in Self.columns.map { format.cell(trade[$0]) } }
            print(format == .csv ? CSVText.render(Self.columns, rows) : TextTable.render(Self.columns, rows))
        }
    }
}

/// RFC 4180 text: fields with a comma, quote or line break are quoted.
enum CSVText {
    /// A value as the JSON has it (every digit), text as is, null empty.
    static func exact(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: return text
        case .null?, nil: return ""
        case let other?: return JSONWriter.compact(other)
        }
    }

    static func render(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { row in
            row.map { field in
                field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: ",")
        }.joined(separator: "\n")
    }
}

/// `backtestd import FILE.csv --symbol S --timeframe T`.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Upload a CSV (or .csv.gz) dataset.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The CSV file.") var file: String
    @Option(help: "The symbol.") var symbol: String
    @Option(help: "The timeframe (1m … 1mo); inferred from the timestamps when omitted.") var timeframe: String?

    func run() throws {
        try runClient {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            var path =
                "/datasets?symbol=" + (symbol.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? symbol)
            if let timeframe { path += "&timeframe=\(timeframe)" }
            let (value, response) = try options.client().json(
                "POST", path, body: [UInt8](data), contentType: "text/csv")
            print(
                "\(value["dataset_id"]?.string ?? "") \(response.status == 201 ? "imported" : "already there"), \(TextTable.format(value["rows"])) rows"
            )
        }
    }
}
