import BacktestEngine
import Catalog
import Foundation

/// A run's progress over all its engine work (the grid, then any walk-forward windows), stored
/// and published at deterministic checkpoints of `progressEveryBarVariants` bar evaluations, so
/// the same run gives the same event list on any machine.
struct RunProgress {
    let executor: RunExecutor
    /// The claimed run: progress is written only while this node's claim holds it.
    let run: RunRecord
    var runID: String { run.id }
    let started: Date
    /// Bars of the series: progress is counted in variants (bar evaluations / bars).
    let bars: Int
    /// Bar evaluations of all the work.
    let total: Int
    /// For a single backtest, which walks the bars in order, the bar timestamps: the one it reached
    /// says where it is. (A grid runs many variants over the same bars: no date means anything there.)
    let timestamps: [Int64]?
    private var lastCheckpoint = 0

    init(executor: RunExecutor, run: RunRecord, started: Date, bars: Int, total: Int, timestamps: [Int64]?) {
        self.executor = executor
        self.run = run
        self.started = started
        self.bars = max(1, bars)
        self.total = total
        self.timestamps = timestamps
    }

    mutating func publish(done: Int, barsReached: Int) {
        let configuration = executor.configuration
        let checkpoint = done / max(1, configuration.progressEveryBarVariants)
        guard checkpoint > lastCheckpoint, done < total else { return }
        lastCheckpoint = checkpoint
        let doneVariants = done / bars
        let totalVariants = total / bars
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? elapsed * Double(total - done) / Double(done) : 0
        let (catalog, runID, claim) = (executor.catalog, runID, executor.claim(run))
        do {
            let held = try executor.retry.run(runID, "update progress") {
                try catalog.updateProgress(runID: runID, done: doneVariants, total: totalVariants, claim: claim)
            }
            guard held else { return executor.cancellations.request(runID, .superseded) }
        } catch {
            executor.cancellations.request(runID, .catalogFailure)
        }
        var fields: [(String, JSONValue)] = [
            ("done", .integer(doneVariants)), ("total", .integer(totalVariants)),
            ("pct", .number((10_000 * Double(done) / Double(max(total, 1))).rounded() / 100)),
            ("eta_s", .number((eta * 10).rounded() / 10)),
        ]
        if let timestamps, barsReached > 0, barsReached <= timestamps.count {
            fields.append(("date", .string(TimestampParser.format(milliseconds: timestamps[barsReached - 1]))))
        }
        executor.emit(run, "progress", .object(fields))
    }
}
