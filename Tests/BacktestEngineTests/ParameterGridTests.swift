import Testing

@testable import BacktestEngine

@Suite struct ParameterGridTests {
    @Test func grid_expandsInNameOrderAndSkipsFastNotBelowSlow() {
        let grid = ParameterGrid(
            base: DualSMAParameters(fast: 1, slow: 2),
            axes: [.init(parameter: .slow, values: [20, 50]), .init(parameter: .fast, values: [10, 20, 30])])
        let (variants, _, skipped) = grid.expand()
        #expect(grid.combinationCount == 6)
        #expect(skipped == 2)
        #expect(
            variants.map(grid.variantKey) == [
                "fast=10,slow=20", "fast=10,slow=50", "fast=20,slow=50", "fast=30,slow=50",
            ])
    }

    @Test func ranges_includeStopWithoutDrift() {
        #expect(ParameterGrid.rangeValues(start: 5, stop: 50, step: 5) == [5, 10, 15, 20, 25, 30, 35, 40, 45, 50])
        let tenths = ParameterGrid.rangeValues(start: 0, stop: 1, step: 0.1)
        #expect(tenths.count == 11)
        #expect(tenths[3] == 0.30000000000000004)  // 0 + 3·0.1, not 0.1+0.1+0.1
        #expect(ParameterGrid.rangeValues(start: 3, stop: 3, step: 1) == [3])
        #expect(ParameterGrid.rangeValues(start: 4, stop: 3, step: 1).isEmpty)
    }

    @Test func keys_printIntegersWithoutPoint() {
        let grid = ParameterGrid(
            base: DualSMAParameters(fast: 1, slow: 2), axes: [.init(parameter: .thresholdBp, values: [0, 2.5])])
        #expect(grid.variantKey(DualSMAParameters(fast: 1, slow: 2, thresholdBp: 2.5)) == "threshold_bp=2.5")
        #expect(grid.variantKey(DualSMAParameters(fast: 1, slow: 2, thresholdBp: 0)) == "threshold_bp=0")
    }
}

@Suite struct ParameterGridCountTests {
    @Test func validCount_matchesTheExpansionWithoutBuildingIt() {
        let grid = ParameterGrid(
            base: DualSMAParameters(fast: 1, slow: 2),
            axes: [
                .init(parameter: .fast, values: ParameterGrid.rangeValues(start: 2, stop: 100, step: 1)),
                .init(parameter: .slow, values: ParameterGrid.rangeValues(start: 10, stop: 300, step: 1)),
                .init(parameter: .delayBars, values: [0, 1]),
            ])
        #expect(grid.validCount == grid.expand().variants.count)
        #expect(grid.validCount == 2 * 24_623)
    }
}
