import ArgumentParser
import BacktestService
import Foundation

/// `backtestd runs`: the newest runs.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "List runs, newest first.")
    @OptionGroup var options: ClientOptions
    @Option(help: "Only runs in this state (QUEUED, RUNNING, DONE, ERROR, CANCELLED).") var status: String?
    @Option(help: "How many (1…500).") var limit = 20
    @Flag(help: "The server's JSON, untouched.") var json = false

    func run() throws {
        try runClient {
            var path = "/runs?limit=\(limit)"
            if let status {
                path += "&status=\(status.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? status)"
            }
            let (value, response) = try options.client().json("GET", path)
            if json { return printRaw(response) }
            let rows = (value["runs"]?.array ?? []).map { run in
                [
                    run["run_id"]?.string ?? "", run["status"]?.string ?? "", TextTable.format(run["variants"]),
                    TextTable.format(run["progress"]?["pct"]) + "%", run["created_at"]?.string ?? "",
                ]
            }
            print(TextTable.render(["run", "status", "variants", "progress", "created"], rows))
            print("\(TextTable.format(value["total"])) runs")
        }
    }
}

/// `backtestd show RUN`.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "A run: status, hashes, best variant.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The run id.") var runID: String
    @Flag(help: "The server's JSON, untouched.") var json = false

    func run() throws {
        try runClient {
            let (value, response) = try options.client().json("GET", "/runs/\(runID)")
            if json { return printRaw(response) }
            for key in [
                "run_id", "status", "variants", "created_at", "finished_at", "input_hash", "spec_hash",
                "grid_request_hash", "engine_params_hash", "dataset_id",
            ] {
                print(key.padding(toLength: 20, withPad: " ", startingAt: 0) + TextTable.format(value[key]))
            }
            if let best = value["best"], !best.isNull { print(BestSummary.text(best)) }
            if let error = value["error"]?["message"]?.string { print("error               " + error) }
        }
    }
}

/// `backtestd cancel RUN` and `backtestd delete RUN`.
struct CancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a queued or running run.")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The run id.") var runID: String

    func run() throws {
        try runClient {
            let (value, _) = try options.client().json("POST", "/runs/\(runID)/cancel", contentType: "application/json")
            print("\(runID) \(value["status"]?.string ?? "")")
        }
    }
}

struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a run (cancelled first).")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The run id.") var runID: String

    func run() throws {
        try runClient {
            _ = try options.client().json("DELETE", "/runs/\(runID)", contentType: "application/json")
            print("\(runID) deleted")
        }
    }
}

/// The best variant's key metrics, as `submit --follow` and `show` print them.
enum BestSummary {
    static func text(_ best: JSONValue) -> String {
        let metrics = best["metrics"]
        var lines = ["best                " + (best["variant_key"]?.string ?? "")]
        for (label, key) in [
            ("total return %", "total_return_pct"), ("sharpe", "sharpe_ratio"), ("max drawdown %", "max_drawdown_pct"),
            ("trades", "total_trades"), ("win rate %", "win_rate_pct"),
        ] {
            lines.append(
                "  " + label.padding(toLength: 18, withPad: " ", startingAt: 0) + TextTable.format(metrics?[key]))
        }
        return lines.joined(separator: "\n")
    }
}
