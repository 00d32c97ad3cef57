import Testing

@testable import BacktestEngine

/// `warmup_bars`: the indicators see every bar, the portfolio and the metrics start at bar W.
@Suite struct WarmupTests {
    static let walk = PreparedSeries(SyntheticSeries.randomWalk(bars: 2000, seed: 5))
    static let pair = DualSMAParameters(fast: 8, slow: 40)

    static func run(
        _ warmup: Int, _ parameters: DualSMAParameters = pair, configure: (inout BacktestSettings) -> Void = { _ in }
    )
        -> DetailedRun
    {
        var settings = BacktestSettings()
        settings.warmupBars = warmup
        configure(&settings)
        return Backtester.detailed(parameters, on: walk, settings: settings)
    }

    @Test func zeroIsTheEarlierBehaviour() {
        var settings = BacktestSettings()
        settings.execution.feeBps = 7
        let plain = Backtester.detailed(Self.pair, on: Self.walk, settings: settings)
        settings.warmupBars = 0
        let zero = Backtester.detailed(Self.pair, on: Self.walk, settings: settings)
        #expect(plain.metrics == zero.metrics)
        #expect(plain.equity == zero.equity)
        #expect(plain.equity.count == Self.walk.count)
    }

    @Test func metricsCoverOnlyTheBarsAfterTheWarmup() throws {
        let warmup = 700
        let result = Self.run(warmup) { $0.execution.feeBps = 5 }
        let n = Self.walk.count
        #expect(result.firstBar == warmup)
        #expect(result.equity.count == n - warmup)
        #expect(result.trades.allSatisfy { $0.entryBar >= warmup })
        #expect(try #require(result.trades.first).entryBar > warmup)
        // Independent re-computation from the recorded equity of the measured bars.
        let close = Self.walk.series.close
        #expect(
            expectClose(result.metrics.benchmarkReturnPct, 100 * (close[n - 1] / close[warmup] - 1), relative: 1e-12))
        #expect(
            expectClose(result.metrics.totalReturnPct, 100 * ((result.equity.last ?? 0) / 10_000 - 1), relative: 1e-12))
        var previous = 10_000.0
        var returns: [Double] = []
        for value in result.equity {
            returns.append(value / previous - 1)
            previous = value
        }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count - 1)
        #expect(
            expectClose(result.metrics.sharpeRatio, mean / variance.squareRoot() * 365.0.squareRoot(), relative: 1e-9))
        let exposed = zip(result.equity.indices, result.equity).filter { index, _ in
            result.trades.contains { index + warmup >= $0.entryBar && index + warmup < ($0.exitBar ?? n) }
        }.count
        #expect(
            expectClose(result.metrics.exposureTimePct, 100 * Double(exposed) / Double(n - warmup), relative: 1e-12))
        var peak = 10_000.0
        var deepest = 0.0
        for value in result.equity {
            peak = max(peak, value)
            deepest = max(deepest, 1 - value / peak)
        }
        #expect(expectClose(result.metrics.maxDrawdownPct, 100 * deepest, relative: 1e-9))
        let rows = ReportRow.rows(
            for: result.metrics, series: Self.walk.series,
            settings: {
                var settings = BacktestSettings()
                settings.warmupBars = warmup
                return settings
            }())
        #expect(rows[0].value == .text(TimestampParser.format(milliseconds: Self.walk.series.timestamps[warmup])))
        #expect(rows[2].value == .number(Double(n - warmup) * 86_400))
    }

    @Test func aWarmupWithinTheSlowWindowChangesNoTradeOnlyTheMeasure() {
        let plain = Self.run(0)
        let warmed = Self.run(30)
        #expect(plain.trades == warmed.trades)
        #expect(plain.metrics.totalReturnPct == warmed.metrics.totalReturnPct)
        #expect(plain.metrics.maxDrawdownPct == warmed.metrics.maxDrawdownPct)
        #expect(Array(plain.equity.dropFirst(30)) == warmed.equity)
    }

    @Test func noSignalBeforeTheWarmupIsActedOn_butTheCrossingAtItIs() {
        // Closes fall then rise: with fast 1 / slow 2 an entry signal happens at t = 3.
        let series = makeSeries(closes: [10, 9, 8, 9, 10, 11, 10, 9])
        var settings = BacktestSettings()
        settings.warmupBars = 3
        let atCrossing = Backtester.detailed(DualSMAParameters(fast: 1, slow: 2), on: series, settings: settings)
        #expect(atCrossing.trades.first?.entryBar == 3)
        settings.warmupBars = 4
        let after = Backtester.detailed(DualSMAParameters(fast: 1, slow: 2), on: series, settings: settings)
        #expect(after.trades.isEmpty)
        #expect(after.metrics.totalReturnPct == 0)
        #expect(after.equity.count == 4)
    }

    @Test func aGridWithAWarmupEqualsItsSingleRuns() throws {
        var settings = BacktestSettings()
        settings.warmupBars = 333
        settings.risk.stopLossPct = 3
        let variants = [DualSMAParameters(fast: 3, slow: 30), .init(fast: 12, slow: 90), .init(fast: 50, slow: 400)]
        let outcome = try GridRunner(workers: 2).run(
            variants, keys: { "\($0.fast)" }, on: Self.walk, settings: settings, topK: 3)
        for ranked in outcome.top {
            #expect(ranked.metrics == Backtester.metrics(ranked.parameters, on: Self.walk, settings: settings))
        }
    }
}
