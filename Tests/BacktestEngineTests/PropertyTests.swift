import Testing

@testable import BacktestEngine

@Suite struct PropertyTests {
    static let walk = PreparedSeries(SyntheticSeries.randomWalk(bars: 3000, seed: 7))
    static let pairs = [(5, 20), (10, 50), (3, 7), (20, 100), (2, 300)].map {
        DualSMAParameters(fast: $0.0, slow: $0.1)
    }

    @Test(arguments: pairs)
    func costs_neverRaiseTheResult(pair: DualSMAParameters) {
        let free = Backtester.metrics(pair, on: Self.walk, settings: BacktestSettings())
        for configure in [
            { (s: inout BacktestSettings) in s.execution.feeBps = 5 },
            { (s: inout BacktestSettings) in s.execution.slippageBps = 3 },
            { (s: inout BacktestSettings) in s.execution.commissionPerShare = 0.01 },
        ] {
            var settings = BacktestSettings()
            configure(&settings)
            let costly = Backtester.metrics(pair, on: Self.walk, settings: settings)
            #expect(costly.totalReturnPct <= free.totalReturnPct)
            #expect(costly.totalTrades == free.totalTrades)
        }
    }

    @Test(arguments: pairs)
    func openNext_neverUsesACloseBeforeItsBar(pair: DualSMAParameters) {
        var settings = BacktestSettings()
        settings.execution.fillPrice = .openNext
        let base = Backtester.detailed(pair, on: Self.walk, settings: settings)
        for trade in base.trades { #expect(trade.entryPrice == Self.walk.series.open[trade.entryBar]) }
        // Rewrite every close from bar 1500 on: trades entered by then must not change.
        var altered = Self.walk.series
        for t in 1500..<altered.count { altered.close[t] *= 1.5 }
        let changed = Backtester.detailed(pair, on: PreparedSeries(altered), settings: settings)
        let before = base.trades.filter { $0.entryBar <= 1500 }.map {
            [$0.entryBar, $0.exitBar.map { min($0, 1501) } ?? -1]
        }
        let after = changed.trades.filter { $0.entryBar <= 1500 }.map {
            [$0.entryBar, $0.exitBar.map { min($0, 1501) } ?? -1]
        }
        #expect(before == after)
    }

    @Test func grid_isIdenticalForAnyWorkerCountAndChunking() throws {
        var variants: [DualSMAParameters] = []
        for fast in stride(from: 2, through: 40, by: 3) {
            for slow in stride(from: 10, through: 120, by: 7) where fast < slow {
                variants.append(.init(fast: fast, slow: slow))
            }
        }
        var reference: GridOutcome?
        for (workers, chunk, blockBytes) in [(1, 4096, 16 << 20), (2, 5, 16 << 20), (3, 17, 8 * 1024 * 10)] {
            var runner = GridRunner(workers: workers)
            runner.chunkVariants = chunk
            runner.blockBytes = blockBytes
            let outcome = try runner.run(
                variants, keys: { "fast=\($0.fast),slow=\($0.slow)" }, on: Self.walk, settings: BacktestSettings(),
                topK: 25)
            if let reference {
                #expect(outcome.totalReturns == reference.totalReturns)
                #expect(outcome.top.map(\.variantKey) == reference.top.map(\.variantKey))
                #expect(outcome.top.map(\.metrics) == reference.top.map(\.metrics))
            }
            reference = outcome
        }
    }

    @Test func rankOne_runAloneGivesTheSameMetrics() throws {
        var variants: [DualSMAParameters] = []
        for fast in 2...30 {
            for slow in stride(from: 10, through: 200, by: 10) where fast < slow {
                variants.append(.init(fast: fast, slow: slow))
            }
        }
        var settings = BacktestSettings()
        settings.execution.feeBps = 10
        let outcome = try GridRunner(workers: 2).run(
            variants, keys: { "fast=\($0.fast),slow=\($0.slow)" }, on: Self.walk, settings: settings, topK: 3)
        let best = try #require(outcome.top.first)
        #expect(Backtester.metrics(best.parameters, on: Self.walk, settings: settings) == best.metrics)
        #expect(
            expectClose(
                Backtester.detailed(best.parameters, on: Self.walk, settings: settings).metrics.totalReturnPct,
                best.metrics.totalReturnPct, relative: 1e-12))
    }

    @Test func ranking_breaksTiesByVariantKeyAsText() throws {
        // A flat series: no variant trades, every total return is 0, so keys decide ("fast=10" < "fast=9").
        let flat = makeSeries(closes: [Double](repeating: 10, count: 50))
        let variants = [DualSMAParameters(fast: 9, slow: 20), .init(fast: 10, slow: 20), .init(fast: 2, slow: 20)]
        let outcome = try GridRunner(workers: 2).run(
            variants, keys: { "fast=\($0.fast),slow=\($0.slow)" }, on: flat, settings: BacktestSettings(), topK: 2)
        #expect(outcome.top.map(\.variantKey) == ["fast=10,slow=20", "fast=2,slow=20"])
    }

    @Test func cancellation_stopsTheRun() {
        let runner = GridRunner(workers: 2)
        #expect(throws: EngineError.cancelled) {
            try runner.run(
                Self.pairs, keys: { "\($0.fast)" }, on: Self.walk, settings: BacktestSettings(), topK: 1,
                isCancelled: { true })
        }
    }

    @Test func oneVariantOverManyBars_stepsThroughThemWithTheSameResult() throws {
        let single = [DualSMAParameters(fast: 10, slow: 50)]
        var stepped = GridRunner(workers: 2)
        stepped.stepBarVariants = 1000  // steps of 1024 bars (the floor) over 3000 bars
        var reports: [GridProgress] = []
        let outcome = try stepped.run(
            single, keys: { "\($0.fast)" }, on: Self.walk, settings: BacktestSettings(), topK: 1,
            progress: { reports.append($0) })
        #expect(reports.map(\.barsReached) == [1024, 2048, 3000, 3000])
        #expect(reports.map(\.done) == [1024, 2048, 3000, 3000])
        let whole = try GridRunner(workers: 2).run(
            single, keys: { "\($0.fast)" }, on: Self.walk, settings: BacktestSettings(), topK: 1)
        #expect(outcome.top.map(\.metrics) == whole.top.map(\.metrics))
    }

    @Test func progress_reachesTotalAndNeverDecreases() throws {
        var reports: [(Int, Int)] = []
        _ = try GridRunner(workers: 2).run(
            Self.pairs, keys: { "\($0.fast)" }, on: Self.walk, settings: BacktestSettings(), topK: 1,
            progress: { reports.append(($0.done, $0.total)) })
        #expect(reports.last.map { $0.0 == $0.1 } == true)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.0 <= $1.0 })
    }
}
