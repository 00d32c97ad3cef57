import ArgumentParser
import Foundation

@main
struct Backtestd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtestd",
        abstract: "A self-hosted backtest service: HTTP API, worker pool, SQLite catalog — and its client.",
        subcommands: [
            ServeCommand.self, KeysCommand.self, BacktestCommand.self, CanonicalizeCommand.self, BenchCommand.self,
            BenchCSVCommand.self, VerifyCommand.self, SubmitCommand.self, RunsCommand.self, ShowCommand.self,
            ResultsCommand.self, TradesCommand.self, CancelCommand.self, DeleteCommand.self, ImportCommand.self,
            PresetsCommand.self,
        ])

    /// As ArgumentParser runs commands, but a usage error exits 2 (the client's documented code;
    /// ArgumentParser's own is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
