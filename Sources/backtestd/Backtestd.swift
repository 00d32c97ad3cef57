import ArgumentParser

@main
struct Backtestd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtestd",
        abstract: "A self-hosted backtest service: HTTP API, worker pool, SQLite catalog.",
        subcommands: [
            ServeCommand.self, KeysCommand.self, BacktestCommand.self, CanonicalizeCommand.self, BenchCommand.self,
            BenchCSVCommand.self, VerifyCommand.self,
        ])
}
