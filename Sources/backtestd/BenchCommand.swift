import ArgumentParser
import BacktestEngine
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Engine throughput: bar-variants per second, wall time and peak RSS for the two reference cases.")

    @Option(help: "The GOOG daily CSV for case (a).") var data: String = "configs/samples/GOOG_1d.csv"
    @Option(help: "Worker threads (default: cores).") var workers: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(
        help:
            "Which case: a, b, stops (c: a stop-loss axis against the same grid without), all, or wf (walk-forward over --data, not part of all)."
    )
    var only: String = "all"
    @Option(help: "wf: train bars per window.") var trainBars: Int = 2000
    @Option(help: "wf: test bars per window.") var testBars: Int = 300

    func run() throws {
        if only == "wf" { return try walkForward() }
        if only == "a" || only == "all" {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: data)))
            let series = PreparedSeries(try CSVSeriesReader.read(bytes))
            var variants: [DualSMAParameters] = []
            for fast in 2...100 {
                for slow in 10...300 where fast < slow { variants.append(.init(fast: fast, slow: slow)) }
            }
            try measure("a: GOOG_1d fast 2..100 x slow 10..300", variants, series)
        }
        if only == "b" || only == "all" {
            let series = PreparedSeries(SyntheticSeries.randomWalk(bars: 1_000_000, seed: 42))
            var variants: [DualSMAParameters] = []
            for fast in stride(from: 5, through: 50, by: 5) {
                for slow in stride(from: 20, through: 200, by: 10) where fast < slow {
                    variants.append(.init(fast: fast, slow: slow))
                }
            }
            try measure("b: random walk 1,000,000 bars, 174 pairs", variants, series)
        }
        if only == "stops" || only == "all" {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: data)))
            let goog = PreparedSeries(try CSVSeriesReader.read(bytes))
            try measureStops("GOOG_1d", goog, fasts: Array(2...100), slows: Array(10...300))
            // The grid Tests/Bench/bench-stops-vectorbt.py runs through vectorbt.
            try measureStops(
                "GOOG_1d (vectorbt's grid)", goog, fasts: Array(stride(from: 2, through: 50, by: 2)),
                slows: Array(stride(from: 10, through: 300, by: 10)))
            try measureStops(
                "random walk 100,000 bars", PreparedSeries(SyntheticSeries.randomWalk(bars: 100_000, seed: 42)),
                fasts: Array(stride(from: 2, through: 50, by: 2)), slows: Array(stride(from: 10, through: 300, by: 10)))
        }
    }

    /// fast × slow with and without a stop-loss axis of 1, 2, 3, 5, 8 %, side by side in one run;
    /// each grid the best of three (the machine is shared and noisy).
    private func measureStops(_ label: String, _ series: PreparedSeries, fasts: [Int], slows: [Int]) throws {
        var settings = BacktestSettings()
        settings.barSeconds = series.series.medianStepSeconds
        let pairs: [ParameterGrid.Axis] = [
            .init(parameter: .fast, values: fasts.map(Double.init)),
            .init(parameter: .slow, values: slows.map(Double.init)),
        ]
        let stops = ParameterGrid.Axis(parameter: .stopLossPct, values: [1, 2, 3, 5, 8])
        var rates: [Double] = []
        for (name, axes) in [("without stops", pairs), ("x stop_loss_pct 1,2,3,5,8", pairs + [stops])] {
            let grid = ParameterGrid(base: DualSMAParameters(fast: 1, slow: 2), settings: settings, axes: axes)
            let variants = grid.expand().variants
            var seconds = Double.infinity
            var evaluated = 0
            for _ in 0..<3 {
                let started = Date()
                let outcome = try GridRunner(workers: workers).run(
                    variants, keys: { grid.variantKey($0) }, on: series, settings: settings, topK: 10)
                seconds = min(seconds, Date().timeIntervalSince(started))
                evaluated = outcome.evaluated
            }
            let rate = Double(evaluated) * Double(series.count) / seconds
            rates.append(rate)
            print(
                "c: \(label) fast x slow \(name): variants=\(evaluated) bars=\(series.count) "
                    + "wall_s=\(String(format: "%.3f", seconds)) bar_variants_per_s=\(String(format: "%.0f", rate))")
        }
        print("c: \(label) slowdown with stops = \(String(format: "%.2f", rates[0] / rates[1]))x")
    }

    /// Case wf: a walk-forward of a 40 × 100 grid (4,000 variants) over `data`.
    private func walkForward() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: data)))
        let series = PreparedSeries(try CSVSeriesReader.read(bytes))
        var variants: [DualSMAParameters] = []
        for fast in 2...41 {
            for slow in stride(from: 50, through: 545, by: 5) { variants.append(.init(fast: fast, slow: slow)) }
        }
        var settings = BacktestSettings()
        settings.barSeconds = series.series.medianStepSeconds
        let configuration = WalkForwardConfiguration(trainBars: trainBars, testBars: testBars)
        let started = Date()
        let outcome = try WalkForward.run(
            variants, keys: { "fast=\($0.fast),slow=\($0.slow)" }, on: series, settings: settings,
            configuration: configuration, runner: GridRunner(workers: workers))
        let seconds = Date().timeIntervalSince(started)
        let work = try WalkForward.work(configuration.windows(bars: series.count).get(), variants: variants.count)
        print(
            "wf: \(data) variants=\(variants.count) bars=\(series.count) windows=\(outcome.windows.count) "
                + "wall_s=\(String(format: "%.3f", seconds)) bar_variants_per_s=\(String(format: "%.0f", Double(work) / seconds)) "
                + "oos_return_pct=\(String(format: "%.4f", outcome.stitched.metrics.totalReturnPct)) "
                + "parameter_changes=\(outcome.parameterChanges)")
    }

    private func measure(_ name: String, _ variants: [DualSMAParameters], _ series: PreparedSeries) throws {
        var settings = BacktestSettings()
        settings.barSeconds = series.series.medianStepSeconds
        let runner = GridRunner(workers: workers)
        let started = Date()
        let outcome = try runner.run(
            variants, keys: { "fast=\($0.fast),slow=\($0.slow)" }, on: series, settings: settings, topK: 10)
        let seconds = Date().timeIntervalSince(started)
        let barVariants = Double(outcome.evaluated) * Double(series.count)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(
            "\(name): variants=\(outcome.evaluated) bars=\(series.count) wall_s=\(String(format: "%.3f", seconds)) "
                + "bar_variants_per_s=\(String(format: "%.0f", barVariants / seconds)) peak_rss_mb=\(usage.ru_maxrss / 1024) "
                + "best=\(outcome.top.first?.variantKey ?? "-")")
    }
}
