import Testing

@testable import BacktestEngine

@Suite struct WalkForwardTests {
    static let walk = PreparedSeries(SyntheticSeries.randomWalk(bars: 1200, seed: 11))
    static let keys: @Sendable (DualSMAParameters) -> String = { "fast=\($0.fast),slow=\($0.slow)" }

    static func grid(fasts: [Int], slows: [Int]) -> [DualSMAParameters] {
        fasts.flatMap { fast in slows.filter { fast < $0 }.map { DualSMAParameters(fast: fast, slow: $0) } }
    }

    /// The bars of `data` between two bar indices, cut by timestamps as a request's `from`/`to` cut them.
    static func slice(_ data: PreparedSeries, _ range: Range<Int>) -> PreparedSeries {
        PreparedSeries(
            data.series.slice(
                fromMilliseconds: data.series.timestamps[range.lowerBound],
                toMilliseconds: data.series.timestamps[range.upperBound - 1]))
    }

    @Test func windows_rollAndAnchor() throws {
        let rolling = try WalkForwardConfiguration(trainBars: 100, testBars: 20).windows(bars: 159).get()
        #expect(rolling.map(\.train) == [0..<100, 20..<120])
        #expect(rolling.map(\.test) == [100..<120, 120..<140])
        let anchored = try WalkForwardConfiguration(trainBars: 100, testBars: 20, stepBars: 30, anchored: true)
            .windows(bars: 160).get()
        #expect(anchored.map(\.train) == [0..<100, 0..<130])
        #expect(anchored.map(\.test) == [100..<120, 130..<150])
        // Exactly one window fits.
        #expect(try WalkForwardConfiguration(trainBars: 100, testBars: 20).windows(bars: 120).get().count == 1)
    }

    static func problems(_ configuration: WalkForwardConfiguration, bars: Int) -> [String] {
        guard case .failure(let error) = configuration.windows(bars: bars) else { return [] }
        return error.problems.map(\.path)
    }

    @Test func windows_longerThanTheDataOrOverlapping_areRejected() {
        #expect(Self.problems(.init(trainBars: 100, testBars: 20), bars: 119) == ["train_bars"])
        #expect(Self.problems(.init(trainBars: 100, testBars: 20, stepBars: 19), bars: 500) == ["step_bars"])
        #expect(Self.problems(.init(trainBars: 1, testBars: 0), bars: 500) == ["test_bars", "train_bars"])
        // Numbers at the edge of Int give an answer, never a trap.
        #expect(Self.problems(.init(trainBars: .max, testBars: .max), bars: 500) == ["train_bars"])
        #expect(Self.problems(.init(trainBars: 2, testBars: .max), bars: 500) == ["train_bars"])
    }

    @Test func windows_limitIsInclusive() {
        let limit = WalkForwardConfiguration.maxWindows
        #expect(Self.problems(.init(trainBars: 10, testBars: 1), bars: 10 + limit) == [])
        #expect(Self.problems(.init(trainBars: 10, testBars: 1), bars: 11 + limit) == ["step_bars"])
    }

    /// Property: over random window configurations, each window's choice is the train slice's best
    /// variant, its in-sample metrics are that single run's, and its out-of-sample metrics are those
    /// of the single run with `from` moved back by the warm-up and `warmup_bars` set to it.
    @Test(arguments: 0..<12)
    func windows_equalIndependentSingleRuns(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed), stream: 3)
        let train = 80 + generator.nextIndex(below: 300)
        let test = 20 + generator.nextIndex(below: 150)
        let step = test + generator.nextIndex(below: 2) * generator.nextIndex(below: 60)
        let configuration = WalkForwardConfiguration(
            trainBars: train, testBars: test, stepBars: step, anchored: generator.nextIndex(below: 2) == 1)
        var settings = BacktestSettings()
        settings.barSeconds = 3600
        settings.execution.feeBps = Double(generator.nextIndex(below: 3) * 5)
        // Risk axes too: a stop-loss on or off per variant (each slice runs with its variant's own values).
        let variants = Self.grid(fasts: [2, 5, 9, 14], slows: [10, 20, 35, 60]).flatMap { parameters in
            [nil, 3.0].map { stop in
                var variant = GridVariant(parameters: parameters, settings: settings)
                variant.stopLossPct = stop
                return variant
            }
        }
        let keys: @Sendable (GridVariant) -> String = {
            "fast=\($0.parameters.fast),slow=\($0.parameters.slow),stop=\($0.stopLossPct ?? -1)"
        }
        let ranking = Ranking(
            objective: RankObjective.allCases[seed % RankObjective.allCases.count], minTrades: seed % 3)
        let outcome = try WalkForward.run(
            variants, keys: keys, on: Self.walk, settings: settings, configuration: configuration,
            ranking: ranking, runner: GridRunner(workers: 2))
        let windows = try configuration.windows(bars: Self.walk.count).get()
        #expect(outcome.windows.map(\.window) == windows)
        var compounded = settings.execution.initialCash
        for window in outcome.windows {
            let trainSlice = Self.slice(Self.walk, window.window.train)
            let ranked = variants.map {
                RankedVariant(
                    variantIndex: 0, variant: $0, variantKey: keys($0),
                    metrics: Backtester.metrics($0.parameters, on: trainSlice, settings: $0.settings(settings)))
            }
            let best = try #require(ranked.min(by: ranking.ranksBefore))
            #expect(window.chosen.variantKey == best.variantKey)
            #expect(window.chosen.metrics == best.metrics)

            let warmup = window.warmup
            #expect(warmup == min(window.chosen.parameters.slow, window.window.test.lowerBound))
            let slice = Self.slice(
                Self.walk, (window.window.test.lowerBound - warmup)..<window.window.test.upperBound)
            var single = window.chosen.settings(settings)
            single.warmupBars = warmup
            // The warm-up bars hold no position: the slice starts flat with the initial cash.
            var whole = window.chosen.settings(settings)
            whole.warmupBars = 0
            let unmeasured = Backtester.detailed(window.chosen.parameters, on: slice, settings: whole)
            #expect(unmeasured.positions.prefix(warmup).allSatisfy { $0 == 0 })
            #expect(unmeasured.equity.prefix(warmup).allSatisfy { $0 == settings.execution.initialCash })
            // Every metric is the single run's, bit for bit.
            let oos = window.outOfSample
            #expect(oos == Backtester.metrics(window.chosen.parameters, on: slice, settings: single))
            #expect(oos.endValue == unmeasured.metrics.endValue)
            // The stitched curve's metrics of this slice alone agree with it (return moments to rounding).
            let own = CurveMetrics.stitch(
                [
                    CurvePiece(
                        values: unmeasured.equity[warmup...], positions: unmeasured.positions[warmup...],
                        closes: Self.walk.series.close[window.window.test],
                        trades: unmeasured.trades.map {
                            var shifted = $0
                            shifted.entryBar -= warmup
                            shifted.exitBar = $0.exitBar.map { $0 - warmup }
                            return shifted
                        })
                ], series: Self.walk.series.bars(window.window.test), settings: whole
            ).metrics
            #expect(own.endValue == oos.endValue)
            #expect(own.totalTrades == oos.totalTrades && own.winRatePct == oos.winRatePct)
            #expect(own.benchmarkReturnPct == oos.benchmarkReturnPct)
            #expect(own.exposureTimePct == oos.exposureTimePct)
            #expect(own.maxDrawdownDurationSeconds == oos.maxDrawdownDurationSeconds)
            for (a, b) in [
                (own.maxDrawdownPct, oos.maxDrawdownPct), (own.sharpeRatio, oos.sharpeRatio),
                (own.sortinoRatio, oos.sortinoRatio), (own.profitFactor, oos.profitFactor),
                (own.totalFeesPaid, oos.totalFeesPaid), (own.cagrPct, oos.cagrPct),
            ] {
                #expect(expectClose(a, b, relative: 1e-9))
            }
            compounded *= oos.endValue / settings.execution.initialCash
        }
        let stitched = outcome.stitched
        #expect(stitched.values.count == windows.count * test)
        #expect(stitched.bars == windows.flatMap { Array($0.test) })
        #expect(expectClose(stitched.values.last, compounded, relative: 1e-12))
        #expect(expectClose(stitched.metrics.endValue, compounded, relative: 1e-12))
        #expect(stitched.metrics.totalTrades == outcome.windows.map(\.outOfSample.totalTrades).reduce(0, +))
        let changes = zip(outcome.windows.dropFirst(), outcome.windows).filter {
            $0.0.chosen.variantKey != $0.1.chosen.variantKey
        }.count
        #expect(outcome.parameterChanges == changes)
    }

    @Test func efficiency_isOutOfSampleOverInSampleAnnualizedReturn() throws {
        let outcome = try WalkForward.run(
            Self.grid(fasts: [3, 8], slows: [20, 40]), keys: Self.keys, on: Self.walk, settings: BacktestSettings(),
            configuration: .init(trainBars: 300, testBars: 100), runner: GridRunner(workers: 1))
        let inSample = outcome.windows.compactMap(\.chosen.metrics.cagrPct)
        #expect(inSample.count == outcome.windows.count)
        let mean = inSample.reduce(0, +) / Double(inSample.count)
        #expect(outcome.inSampleAnnualizedPct == mean)
        if mean > 0, let oos = outcome.stitched.metrics.cagrPct {
            #expect(outcome.efficiency == oos / mean)
        } else {
            #expect(outcome.efficiency == nil)
        }
    }

    @Test func outcome_isIdenticalForAnyWorkerCountAndChunking() throws {
        let variants = Self.grid(fasts: Array(stride(from: 2, through: 30, by: 4)), slows: [15, 30, 45, 90])
        var reference: WalkForwardOutcome?
        for (workers, chunk) in [(1, 4096), (2, 3), (3, 7)] {
            var runner = GridRunner(workers: workers)
            runner.chunkVariants = chunk
            let outcome = try WalkForward.run(
                variants, keys: Self.keys, on: Self.walk, settings: BacktestSettings(),
                configuration: .init(trainBars: 250, testBars: 90, anchored: true),
                runner: runner)
            if let reference {
                #expect(outcome.stitched.values == reference.stitched.values)
                #expect(outcome.stitched.metrics == reference.stitched.metrics)
                #expect(outcome.windows.map(\.chosen.variantKey) == reference.windows.map(\.chosen.variantKey))
            }
            reference = outcome
        }
    }

    @Test func progress_countsEveryWindowAndEndsAtTotal() throws {
        let variants = Self.grid(fasts: [3, 8], slows: [20, 40])
        let configuration = WalkForwardConfiguration(trainBars: 300, testBars: 100)
        var reports: [GridProgress] = []
        _ = try WalkForward.run(
            variants, keys: Self.keys, on: Self.walk, settings: BacktestSettings(), configuration: configuration,
            runner: GridRunner(workers: 2), progress: { reports.append($0) })
        let windows = try configuration.windows(bars: Self.walk.count).get()
        let total = windows.reduce(0) { $0 + variants.count * $1.train.count + $1.test.count }
        #expect(reports.allSatisfy { $0.total == total })
        #expect(reports.last?.done == total)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.done <= $1.done })
    }

    @Test func tooLongWindows_andCancellation_throw() {
        #expect(throws: EngineError.self) {
            try WalkForward.run(
                Self.grid(fasts: [3], slows: [20]), keys: Self.keys, on: Self.walk, settings: BacktestSettings(),
                configuration: .init(trainBars: 1100, testBars: 101), runner: GridRunner(workers: 1))
        }
        #expect(throws: EngineError.cancelled) {
            try WalkForward.run(
                Self.grid(fasts: [3], slows: [20]), keys: Self.keys, on: Self.walk, settings: BacktestSettings(),
                configuration: .init(trainBars: 300, testBars: 100), runner: GridRunner(workers: 1),
                isCancelled: { true })
        }
    }
}
