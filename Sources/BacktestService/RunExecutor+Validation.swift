import BacktestEngine
import Catalog
import Foundation

extension RunExecutor {
    /// The validation stage over the ranked variants, with progress events of its own: re-runs
    /// done of all of them (each re-run is one pass over the bars), throttled like the grid's by
    /// `progressEveryBarVariants` bar evaluations, so the event list is the same on every run.
    func validate(
        _ run: RunRecord, _ validation: Validation.Request, _ top: [RankedVariant], series: PreparedSeries,
        settings: BacktestSettings, isCancelled: () -> Bool
    ) throws -> [Validation.Report?] {
        emit(run, "stage", .object([("status", "VALIDATING")]))
        let perVariant = (validation.permutations ?? 0).saturatingAdding(validation.bootstrapSamples ?? 0)
        let total = perVariant.saturatingMultiplied(by: top.count)
        let bars = max(series.count, 1)
        let started = Date()
        var done = 0
        var lastCheckpoint = 0
        var reports: [Validation.Report?] = []
        for ranked in top {
            reports.append(
                try Validation.run(
                    validation, parameters: ranked.parameters, on: series, settings: ranked.settings(settings),
                    isCancelled: isCancelled,
                    reRunDone: {
                        done += 1
                        let checkpoint =
                            done.saturatingMultiplied(by: bars) / max(1, configuration.progressEveryBarVariants)
                        guard checkpoint > lastCheckpoint, done < total else { return }
                        lastCheckpoint = checkpoint
                        let elapsed = Date().timeIntervalSince(started)
                        let eta = elapsed * Double(total - done) / Double(done)
                        emit(
                            run, "progress",
                            .object([
                                ("stage", "VALIDATING"), ("done", .integer(done)), ("total", .integer(total)),
                                ("pct", .number((10_000 * Double(done) / Double(total)).rounded() / 100)),
                                ("eta_s", .number((eta * 10).rounded() / 10)),
                            ]))
                    }))
        }
        return reports
    }
}
