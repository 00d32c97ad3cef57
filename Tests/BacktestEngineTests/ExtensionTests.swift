import Testing

@testable import BacktestEngine

/// Hand-computed cases on a 7-bar series. With fast = 1 and slow = 2, `above[t]` is simply
/// `close[t] > close[t−1]` and `below[t]` is `close[t] < close[t−1]`; signals start at t = 2.
/// Closes 10, 9, 10, 11, 10, 10, 12: entry at t=2 (10), exit at t=4 (10), entry at t=6 (12).
@Suite struct ExtensionTests {
    static let closes: [Double] = [10, 9, 10, 11, 10, 10, 12]
    static let previousCloses: [Double] = [10, 10, 9, 10, 11, 10, 10]
    static let pair = DualSMAParameters(fast: 1, slow: 2)

    func run(
        _ parameters: DualSMAParameters = pair, closes: [Double] = closes, opens: [Double]? = nil,
        highs: [Double]? = nil,
        lows: [Double]? = nil, configure: (inout BacktestSettings) -> Void = { _ in }
    ) -> DetailedRun {
        var settings = BacktestSettings()
        configure(&settings)
        return Backtester.detailed(
            parameters, on: makeSeries(closes: closes, opens: opens, highs: highs, lows: lows), settings: settings)
    }

    @Test func baseline_entersAndExitsOnCrossings() {
        let result = run()
        #expect(result.trades.map(\.entryBar) == [2, 6])
        #expect(result.trades.map(\.exitBar) == [4, nil])
        #expect(result.metrics.totalTrades == 2)
        #expect(result.metrics.totalClosedTrades == 1)
        #expect(result.metrics.winRatePct == 0)  // a zero-pnl trade is not a win
        #expect(expectClose(result.metrics.endValue, 10_000))
    }

    @Test func fees_areChargedOnBothSides() {
        let result = run { $0.execution.feeBps = 10 }
        // All in at 10 with 0.1% fee, out at 10 with 0.1% fee.
        let afterRoundTrip = 10_000 / 1.001 * 0.999
        #expect(expectClose(result.equity[4], afterRoundTrip))
        #expect(expectClose(result.trades[0].pnl, afterRoundTrip - 10_000))
    }

    @Test func threshold_suppressesCrossingsInsideTheBand() {
        // 600 bp: entry needs close > 1.06 · mean of the last two closes; only t = 6 qualifies (12 > 11.66).
        let result = run(DualSMAParameters(fast: 1, slow: 2, thresholdBp: 600))
        #expect(result.trades.map(\.entryBar) == [6])
        #expect(result.trades.first?.exitBar == nil)
    }

    @Test func delay_actsBarsLaterAndDropsSignalsPastTheEnd() {
        let result = run(DualSMAParameters(fast: 1, slow: 2, delayBars: 1))
        // Entry acted at t=3 (11), exit at t=5 (10); the t=6 entry would act at t=7: dropped.
        #expect(result.trades.map(\.entryBar) == [3])
        #expect(result.trades.map(\.exitBar) == [5])
        #expect(expectClose(result.metrics.endValue, 10_000 * 10 / 11))
    }

    @Test func openNext_fillsAtTheNextOpenAndNeverUsesTheSignalClose() {
        let opens: [Double] = [10, 9.5, 9.5, 10.5, 10.5, 10, 11]
        let result = run(opens: opens) { $0.execution.fillPrice = .openNext }
        #expect(result.trades.map(\.entryBar) == [3])
        #expect(result.trades.first?.entryPrice == 10.5)
        #expect(result.trades.first?.exitPrice == 10)
        #expect(expectClose(result.metrics.endValue, 10_000 * 10 / 10.5))
    }

    @Test func shorts_reverseOnEachSignal() {
        let result = run(DualSMAParameters(fast: 1, slow: 2, longOnly: false))
        #expect(result.trades.map(\.side) == [.long, .short, .long])
        // Short 1000 at 10 covered at 12: −2000; the rest (8000) goes long at 12.
        #expect(expectClose(result.trades[1].pnl, -2000))
        #expect(expectClose(result.metrics.endValue, 8000))
        #expect(expectClose(result.equity[5], 10_000))
    }

    @Test func borrow_isChargedOnEveryBarTheShortIsHeld() {
        // 3650 bp a year on daily bars: 0.1% of the short notional per bar, charged at t=4 and t=5.
        let result = run(DualSMAParameters(fast: 1, slow: 2, longOnly: false)) { $0.execution.borrowBps = 3650 }
        #expect(expectClose(result.trades[1].borrow, 20))
        #expect(expectClose(result.trades[1].pnl, -2020))
        #expect(expectClose(result.metrics.endValue, 7980))
    }

    @Test func stopLoss_fillsAtTheLevelInsideTheBar() {
        let lows: [Double] = [10, 9, 9, 10, 9.4, 10, 10]
        let result = run(opens: Self.previousCloses, lows: lows) { $0.risk.stopLossPct = 5 }
        #expect(result.trades[0].exitBar == 4)
        #expect(result.trades[0].exitReason == .stopLoss)
        #expect(expectClose(result.trades[0].exitPrice, 9.5))
        #expect(expectClose(result.trades[0].pnl, -500))
    }

    @Test func stopLoss_gapFillsAtTheOpen() {
        let opens: [Double] = [10, 10, 9, 10, 9, 10, 10]
        let lows: [Double] = [10, 9, 9, 10, 9, 10, 10]
        let result = run(opens: opens, lows: lows) { $0.risk.stopLossPct = 5 }
        #expect(expectClose(result.trades[0].exitPrice, 9))
        #expect(expectClose(result.trades[0].pnl, -1000))
    }

    @Test func takeProfit_fillsAtItsLevel() {
        let result = run(opens: Self.previousCloses) { $0.risk.takeProfitPct = 5 }
        #expect(result.trades[0].exitBar == 3)
        #expect(result.trades[0].exitReason == .takeProfit)
        #expect(expectClose(result.trades[0].pnl, 500))
    }

    @Test func stopWins_whenBothLevelsAreInsideOneBar() {
        let lows: [Double] = [10, 9, 9, 9.4, 10, 10, 10]
        let result = run(opens: Self.previousCloses, lows: lows) {
            $0.risk.stopLossPct = 5
            $0.risk.takeProfitPct = 5
        }
        #expect(result.trades[0].exitReason == .stopLoss)
        #expect(result.trades[0].exitBar == 3)
    }

    @Test func fixedFraction_investsOnlyTheFraction() {
        let result = run(closes: Self.closes + [15]) { $0.risk.fraction = 0.5 }
        // Half in at 10, out at 10; half of 10000 in at 12, marked at 15.
        #expect(expectClose(result.metrics.endValue, 5000 + 5000 / 12 * 15))
        #expect(expectClose(result.metrics.maxGrossExposurePct, 100 * (5000 / 12 * 15) / (5000 + 5000 / 12 * 15)))
    }

    @Test func maxLeverage_capsTheFraction() {
        let result = run(closes: Self.closes + [15]) {
            $0.risk.fraction = 2
            $0.risk.maxLeverage = 0.5
        }
        #expect(expectClose(result.metrics.endValue, 5000 + 5000 / 12 * 15))
    }

    @Test func commissionPerShare_entersTheSizeAndTheFees() {
        let result = run { $0.execution.commissionPerShare = 0.1 }
        let size = 10_000 / 10.1
        #expect(expectClose(result.trades[0].size, size))
        #expect(expectClose(result.equity[4], 10_000 - 0.2 * size))
    }

    @Test func slippage_worsensBothFills() {
        let result = run { $0.execution.slippageBps = 100 }
        #expect(expectClose(result.trades[0].entryPrice, 10.1))
        #expect(expectClose(result.trades[0].exitPrice, 9.9))
        #expect(expectClose(result.equity[4], 10_000 / 10.1 * 9.9))
    }
}
