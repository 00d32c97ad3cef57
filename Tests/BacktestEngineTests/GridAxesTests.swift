import Testing

@testable import BacktestEngine

/// Grids over risk and execution axes: every variant equals the single run of its own settings,
/// bit for bit, for any worker count and chunking.
@Suite struct GridAxesTests {
    static let walk = PreparedSeries(SyntheticSeries.randomWalk(bars: 1200, seed: 21))

    /// A random grid over a random subset of every axis, on random base settings.
    static func randomGrid(_ random: inout SeededGenerator) -> ParameterGrid {
        func pick(_ values: [Double], _ most: Int) -> [Double] {
            var chosen = Set<Double>()
            for _ in 0..<(1 + random.nextIndex(below: most)) {
                chosen.insert(values[random.nextIndex(below: values.count)])
            }
            return chosen.sorted()
        }
        var axes: [ParameterGrid.Axis] = []
        let choices: [(GridParameter, [Double])] = [
            (.fast, [2, 3, 5, 8, 13, 21]), (.slow, [10, 30, 55, 89, 150]), (.delayBars, [0, 1, 3]),
            (.thresholdBp, [0, 5, 25.5]), (.feeBps, [0, 2.5, 10, 30]), (.slippageBps, [0, 1, 7.25]),
            (.fraction, [0.25, 0.5, 1, 1.5]), (.stopLossPct, [.nan, 0.5, 2, 5]), (.takeProfitPct, [.nan, 1, 4, 12]),
        ]
        for (parameter, values) in choices where random.nextUnit() < 0.5 {
            var chosen = pick(values.filter { !$0.isNaN }, 3)
            if values.contains(where: \.isNaN), random.nextUnit() < 0.6 { chosen.insert(.nan, at: 0) }
            axes.append(.init(parameter: parameter, values: chosen))
        }
        var settings = BacktestSettings()
        settings.barSeconds = 3600
        settings.execution.fillPrice = random.nextUnit() < 0.5 ? .close : .openNext
        settings.execution.feeBps = [0, 10][random.nextIndex(below: 2)]
        settings.execution.borrowBps = random.nextUnit() < 0.3 ? 50 : 0
        settings.execution.commissionPerShare = random.nextUnit() < 0.2 ? 0.01 : 0
        settings.risk.maxLeverage = random.nextUnit() < 0.3 ? 2 : 1
        settings.risk.stopLossPct = random.nextUnit() < 0.3 ? 3 : nil
        settings.warmupBars = random.nextUnit() < 0.3 ? 200 : 0
        let base = DualSMAParameters(
            fast: 4, slow: 40, thresholdBp: random.nextUnit() < 0.3 ? 10 : 0, delayBars: 0,
            longOnly: random.nextUnit() < 0.6)
        return ParameterGrid(base: base, settings: settings, axes: axes)
    }

    @Test func everyVariantEqualsItsSingleRun_forAnyWorkerCount() throws {
        var random = SeededGenerator(seed: 2026)
        var checked = 0
        for _ in 0..<12 {
            let grid = Self.randomGrid(&random)
            let (variants, _, _) = grid.expand()
            guard !variants.isEmpty else { continue }
            var reference: GridOutcome?
            for (workers, chunk) in [(1, 4096), (2, 3), (3, 7)] {
                var runner = GridRunner(workers: workers)
                runner.chunkVariants = chunk
                let outcome = try runner.run(
                    variants, keys: { grid.variantKey($0) }, on: Self.walk, settings: grid.settings,
                    topK: variants.count)
                if let reference {
                    #expect(outcome.totalReturns.map(\.bitPattern) == reference.totalReturns.map(\.bitPattern))
                    #expect(outcome.top.map(\.variantKey) == reference.top.map(\.variantKey))
                    #expect(outcome.top.map(\.metrics) == reference.top.map(\.metrics))
                }
                reference = outcome
            }
            for ranked in try #require(reference).top {
                let single = Backtester.metrics(
                    ranked.parameters, on: Self.walk, settings: ranked.settings(grid.settings))
                #expect(single == ranked.metrics, "\(ranked.variantKey)")
                checked += 1
            }
        }
        #expect(checked > 50)
    }

    @Test func keysNameRiskAndExecutionAxesInFullAfterTheStrategy() {
        let grid = ParameterGrid(
            base: DualSMAParameters(fast: 1, slow: 2), settings: BacktestSettings(),
            axes: [
                .init(parameter: .stopLossPct, values: [.nan, 2]), .init(parameter: .slow, values: [50]),
                .init(parameter: .feeBps, values: [2.5]), .init(parameter: .fast, values: [10]),
            ])
        #expect(grid.axes.map(\.parameter) == [.fast, .slow, .feeBps, .stopLossPct])
        let (variants, _, skipped) = grid.expand()
        #expect(skipped == 0)
        #expect(
            variants.map { grid.variantKey($0) } == [
                "fast=10,slow=50,execution.fee_bps=2.5,risk.stop_loss_pct=null",
                "fast=10,slow=50,execution.fee_bps=2.5,risk.stop_loss_pct=2",
            ])
        #expect(variants[0].stopLossPct == nil)
        #expect(variants[1].settings(BacktestSettings()).risk.stopLossPct == 2)
        #expect(variants[1].settings(BacktestSettings()).execution.feeBps == 2.5)
    }

    @Test func unsetAxesKeepTheRunsValues_andCoordinatesMatchTheCombination() {
        var settings = BacktestSettings()
        settings.risk.takeProfitPct = 7
        settings.execution.slippageBps = 3
        let grid = ParameterGrid(
            base: DualSMAParameters(fast: 1, slow: 2), settings: settings,
            axes: [
                .init(parameter: .fast, values: [2, 3, 4]), .init(parameter: .slow, values: [10, 20]),
                .init(parameter: .fraction, values: [0.5, 1]), .init(parameter: .takeProfitPct, values: [.nan, 3]),
            ])
        #expect(grid.validCount == 24)
        for index in 0..<grid.combinationCount {
            let variant = grid.variant(at: index)
            #expect(variant.slippageBps == 3)
            for (number, axis) in grid.axes.enumerated() {
                let value = axis.values[grid.coordinate(of: index, axis: number)]
                let actual = variant.value(axis.parameter)
                #expect(value.isNaN ? actual == nil : actual == value)
            }
        }
    }

    /// Variants differing only in risk or execution values share SMA rows: a grid of one window
    /// pair and many stops builds one two-row table.
    @Test func riskOnlyVariantsShareTheirWindows() throws {
        let grid = ParameterGrid(
            base: DualSMAParameters(fast: 5, slow: 30), settings: BacktestSettings(),
            axes: [.init(parameter: .stopLossPct, values: (1...40).map { Double($0) / 4 })])
        let (variants, _, _) = grid.expand()
        #expect(Set(variants.flatMap { [$0.parameters.fast, $0.parameters.slow] }) == [5, 30])
        let outcome = try GridRunner(workers: 2).run(
            variants, keys: { grid.variantKey($0) }, on: Self.walk, settings: grid.settings, topK: 3)
        #expect(outcome.evaluated == 40)
    }
}
