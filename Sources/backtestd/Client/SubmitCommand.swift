import ArgumentParser
import BacktestService
import Foundation

/// `backtestd submit REQUEST.json [--follow]`: submit, and optionally follow the run to its end.
struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Submit a backtest (a JSON body as for POST /backtests).")
    @OptionGroup var options: ClientOptions
    @Argument(help: "The request file (- for standard input).") var request: String
    @Option(help: "Idempotency-Key: a retry with the same key never makes a second run.") var idempotencyKey: String?
    @Flag(help: "Follow the run's progress until it ends (resuming after a dropped connection).") var follow = false
    @Flag(help: "The server's JSON, untouched.") var json = false

    func run() throws {
        try runClient {
            let body: Data?
            if request == "-" {
                body = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                body = FileManager.default.contents(atPath: request)
            }
            guard let body else { throw ValidationError("cannot read \(request)") }
            let client = try options.client()
            var headers: [(String, String)] = []
            if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
            let (value, response) = try client.json(
                "POST", "/backtests", body: [UInt8](body), contentType: "application/json", headers: headers)
            if json {
                printRaw(response)
            } else {
                let state =
                    value["status"]?.string == "EXISTS" ? "exists (\(value["run_status"]?.string ?? ""))" : "queued"
                print("\(value["run_id"]?.string ?? "") \(state), \(TextTable.format(value["variants"])) variants")
            }
            guard follow, let run = value["run_id"]?.string else { return }
            try RunFollower(client: client, run: run, plain: json || isatty(STDOUT_FILENO) == 0).follow()
        }
    }
}

/// Follows a run's SSE stream to its terminal event, resuming with `Last-Event-ID` after a
/// dropped connection; a progress bar on a terminal, one line per event otherwise.
struct RunFollower {
    let client: HTTPClient
    let run: String
    let plain: Bool

    func follow() throws {
        let (document, _) = try client.json("GET", "/runs/\(run)")
        let bars = try? client.json("GET", "/datasets/\(document["dataset_id"]?.string ?? "-")").0["rows"]?.integer
        var last = -1
        var terminal: String?
        var failures = 0
        let started = Date()
        while terminal == nil {
            var event = (id: -1, type: "", data: "")
            do {
                try client.stream(
                    "/runs/\(run)/events?follow=1", headers: [("Last-Event-ID", String(last))],
                    head: { response in try HTTPClient.check(response) },
                    line: { line in
                        if line.hasPrefix("id: ") { event.id = Int(line.dropFirst(4)) ?? -1 }
                        if line.hasPrefix("event: ") { event.type = String(line.dropFirst(7)) }
                        if line.hasPrefix("data: ") { event.data = String(line.dropFirst(6)) }
                        guard line.isEmpty, event.id >= 0 else { return true }
                        last = event.id
                        show(event.type, event.data, bars: bars, started: started)
                        if ["completed", "failed", "cancelled"].contains(event.type) {
                            terminal = event.type
                            return false
                        }
                        event = (-1, "", "")
                        return true
                    })
                failures = 0
            } catch let failure as ClientFailure {
                throw failure
            } catch {
                // The connection dropped: resume after the last event seen.
                failures += 1
                guard failures <= 10 else {
                    throw ClientFailure.unreachable("the event stream keeps dropping: \(error)")
                }
                Thread.sleep(forTimeInterval: min(2, 0.2 * Double(failures)))
            }
            if terminal == nil && failures == 0 { Thread.sleep(forTimeInterval: 0.2) }
        }
        if !plain { print("") }
        let (final, _) = try client.json("GET", "/runs/\(run)")
        print("\(run) \(final["status"]?.string ?? "")")
        if let best = final["best"], !best.isNull { print(BestSummary.text(best)) }
        if terminal != "completed" {
            throw ClientFailure.runFailed(
                "the run ended \(final["status"]?.string ?? terminal ?? "")"
                    + (final["error"]?["message"]?.string.map { ": " + $0 } ?? ""))
        }
    }

    private func show(_ type: String, _ data: String, bars: Int?, started: Date) {
        let envelope = (try? JSONParser.parse(data))?["data"]
        if plain {
            print("\(type) \(envelope.map(JSONWriter.compact) ?? "")")
            return
        }
        guard type == "progress", let envelope else { return }
        let elapsed = Date().timeIntervalSince(started)
        let done = Double(envelope["done"]?.integer ?? 0)
        let rate = bars.map { Double($0) * done / max(elapsed, 0.001) }
        let line = ProgressBar.render(
            percent: envelope["pct"]?.number ?? 0, etaSeconds: envelope["eta_s"]?.number, barVariantsPerSecond: rate)
        FileHandle.standardOutput.write(Data(("\r" + line).utf8))
    }
}
