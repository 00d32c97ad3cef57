/// What a walk-forward analysis produces.
public struct WalkForwardOutcome: Sendable {
    public struct Window: Sendable {
        public let window: WalkForwardWindow
        /// The train slice's best variant; its metrics are the in-sample metrics.
        public let chosen: RankedVariant
        /// Bars before the test slice that warmed up the chosen variant's indicators.
        public let warmup: Int
        /// The chosen variant on the test slice alone.
        public let outOfSample: VariantMetrics
    }

    public let windows: [Window]
    public let stitched: StitchedCurve
    /// Mean of the windows' in-sample CAGR [%] (nil when one of them has none).
    public let inSampleAnnualizedPct: Double?
    /// Annualized out-of-sample return / annualized in-sample return; nil unless the latter is positive.
    public let efficiency: Double?
    /// How many windows chose other parameters than the window before.
    public let parameterChanges: Int
    /// Variants ranked per window.
    public let variants: Int
}

/// The test slices of a walk-forward laid end to end (compounding), with their metrics.
public struct StitchedCurve: Sendable {
    /// The analysed series' bar index of each point.
    public let bars: [Int]
    /// Portfolio value after each bar's fills, compounded across slices.
    public let values: [Double]
    /// Metrics of the whole curve.
    public let metrics: VariantMetrics
    /// Metrics of each slice alone, in window order.
    public let sliceMetrics: [VariantMetrics]
}

/// Walk-forward analysis (issue 12): per window, rank the grid on the train slice, take the best
/// variant and run it on the test slice starting flat, its indicators warmed up on the bars
/// before the slice; stitch the test slices into one out-of-sample curve.
public enum WalkForward {
    /// Strategy parameter sets, each with the risk and execution values of `settings`.
    public static func run(
        _ parameters: [DualSMAParameters], keys: @Sendable (DualSMAParameters) -> String, on data: PreparedSeries,
        settings: BacktestSettings, configuration: WalkForwardConfiguration, ranking: Ranking = Ranking(),
        runner: GridRunner, progress: (GridProgress) -> Void = { _ in }, isCancelled: () -> Bool = { false }
    ) throws(EngineError) -> WalkForwardOutcome {
        try run(
            parameters.map { GridVariant(parameters: $0, settings: settings) }, keys: { keys($0.parameters) },
            on: data, settings: settings, configuration: configuration, ranking: ranking, runner: runner,
            progress: progress, isCancelled: isCancelled)
    }

    public static func run(
        _ variants: [GridVariant], keys: @Sendable (GridVariant) -> String, on data: PreparedSeries,
        settings: BacktestSettings, configuration: WalkForwardConfiguration, ranking: Ranking = Ranking(),
        runner: GridRunner, progress: (GridProgress) -> Void = { _ in }, isCancelled: () -> Bool = { false }
    ) throws(EngineError) -> WalkForwardOutcome {
        let windows = try configuration.windows(bars: data.count).get()
        let total = work(windows, variants: variants.count)
        var done = 0
        var chosen: [RankedVariant] = []
        for window in windows {
            if isCancelled() { throw EngineError.cancelled }
            let train = PreparedSeries(data.series.bars(window.train))
            let before = done
            let outcome = try runner.run(
                variants, keys: keys, on: train, settings: settings, topK: 1, ranking: ranking,
                progress: { report in
                    progress(
                        GridProgress(
                            done: before.saturatingAdding(report.done), total: total, barsReached: report.barsReached))
                }, isCancelled: isCancelled)
            guard let best = outcome.top.first else {
                throw EngineError(code: "engine.invalid_grid", message: "the grid has no variant to rank")
            }
            chosen.append(best)
            done = done.saturatingAdding(variants.count.saturatingMultiplied(by: window.train.count))
        }
        if isCancelled() { throw EngineError.cancelled }
        let stitched = stitch(zip(windows, chosen.map(\.variant)).map { $0 }, on: data, settings: settings)
        progress(GridProgress(done: total, total: total, barsReached: data.count))
        let inSample = chosen.map(\.metrics.cagrPct)
        let inSampleMean: Double? =
            inSample.contains { $0 == nil } || inSample.isEmpty
            ? nil : inSample.compactMap { $0 }.reduce(0, +) / Double(inSample.count)
        var efficiency: Double?
        if let inSampleMean, inSampleMean > 0, let outOfSample = stitched.metrics.cagrPct {
            efficiency = outOfSample / inSampleMean
        }
        let changes = zip(chosen.dropFirst(), chosen).filter { $0.0.variant != $0.1.variant }.count
        return WalkForwardOutcome(
            windows: windows.indices.map {
                WalkForwardOutcome.Window(
                    window: windows[$0], chosen: chosen[$0], warmup: windows[$0].warmup(for: chosen[$0].parameters),
                    outOfSample: stitched.sliceMetrics[$0])
            }, stitched: stitched, inSampleAnnualizedPct: inSampleMean, efficiency: efficiency,
            parameterChanges: changes, variants: variants.count)
    }

    /// Bar-variants of the whole analysis: every window's grid over its train slice, then one
    /// pass per test slice (saturating: it is only compared and reported).
    public static func work(_ windows: [WalkForwardWindow], variants: Int) -> Int {
        windows.reduce(0) {
            $0.saturatingAdding(variants.saturatingMultiplied(by: $1.train.count)).saturatingAdding($1.test.count)
        }
    }

    /// Runs each window's parameters on its test slice — the single run over the slice with `from`
    /// moved back by the warm-up and `warmupBars` set to it, so its metrics are that run's — and
    /// stitches the slices. Also what `GET /runs/{id}/equity?variant=oos` replays from the stored choices.
    public static func stitch(
        _ choices: [(WalkForwardWindow, GridVariant)], on data: PreparedSeries, settings: BacktestSettings
    ) -> StitchedCurve {
        var pieces: [CurvePiece] = []
        var sliceMetrics: [VariantMetrics] = []
        var bars: [Int] = []
        for (window, variant) in choices {
            let parameters = variant.parameters
            let warmup = window.warmup(for: parameters)
            // The variant's own risk and execution values, and the warm-up left out of the metrics.
            var sliceSettings = variant.settings(settings)
            sliceSettings.warmupBars = warmup
            let slice = PreparedSeries(data.series.bars((window.test.lowerBound - warmup)..<window.test.upperBound))
            let run = Backtester.detailed(parameters, on: slice, settings: sliceSettings)
            // No signal exists before bar `warmup` of the slice (the slow average is undefined
            // there), so the simulation is still flat with its initial cash when the test slice
            // begins; `equity` and `positions` cover the test bars only.
            pieces.append(
                CurvePiece(
                    values: run.equity[...], positions: run.positions[...], closes: data.series.close[window.test],
                    trades: run.trades.map { trade in
                        var shifted = trade
                        shifted.entryBar -= run.firstBar
                        shifted.exitBar = trade.exitBar.map { $0 - run.firstBar }
                        return shifted
                    }))
            // The fused pass's numbers, bit for bit those of the single run a client would submit.
            sliceMetrics.append(Backtester.metrics(parameters, on: slice, settings: sliceSettings))
            bars.append(contentsOf: window.test)
        }
        let series = OHLCVSeries(
            timestamps: bars.map { data.series.timestamps[$0] }, open: bars.map { data.series.open[$0] },
            high: bars.map { data.series.high[$0] }, low: bars.map { data.series.low[$0] },
            close: bars.map { data.series.close[$0] }, volume: bars.map { data.series.volume[$0] })
        let (metrics, values) = CurveMetrics.stitch(pieces, series: series, settings: settings)
        return StitchedCurve(bars: bars, values: values, metrics: metrics, sliceMetrics: sliceMetrics)
    }
}
