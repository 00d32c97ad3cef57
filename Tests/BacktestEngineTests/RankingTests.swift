import Testing

@testable import BacktestEngine

/// `rank_by` and `min_trades`: the grid's top K equals an independent sort of every variant's
/// single-run metrics under the documented rule.
@Suite struct RankingTests {
    static let walk = PreparedSeries(SyntheticSeries.randomWalk(bars: 1500, seed: 11))
    static let variants: [DualSMAParameters] = (2...14).flatMap { fast in
        stride(from: 15, through: 120, by: 15).map { DualSMAParameters(fast: fast, slow: $0) }
    }
    static func key(_ p: DualSMAParameters) -> String { "fast=\(p.fast),slow=\(p.slow)" }

    /// The rule written out plainly: enough trades first, values before nulls, best value first, key.
    static func reference(_ objective: RankObjective, minTrades: Int, settings: BacktestSettings) -> [String] {
        let rows = variants.map { ($0, Backtester.metrics($0, on: walk, settings: settings)) }
        return rows.sorted { a, b in
            let enoughA = a.1.totalClosedTrades >= minTrades
            let enoughB = b.1.totalClosedTrades >= minTrades
            if enoughA != enoughB { return enoughA }
            let x = objective.value(a.1)
            let y = objective.value(b.1)
            if (x == nil) != (y == nil) { return x != nil }
            if let x, let y, x != y { return objective == .maxDrawdownPct ? x < y : x > y }
            return key(a.0) < key(b.0)
        }.map { key($0.0) }
    }

    @Test(arguments: RankObjective.allCases)
    func topK_isTheReferenceOrder(objective: RankObjective) throws {
        var settings = BacktestSettings()
        settings.execution.feeBps = 10
        for minTrades in [0, 9] {
            let outcome = try GridRunner(workers: 2).run(
                Self.variants, keys: { Self.key($0) }, on: Self.walk, settings: settings, topK: 12,
                ranking: Ranking(objective: objective, minTrades: minTrades))
            let expected = Self.reference(objective, minTrades: minTrades, settings: settings)
            #expect(outcome.top.map(\.variantKey) == Array(expected.prefix(12)), "\(objective) min \(minTrades)")
        }
    }

    @Test func maxDrawdownRanksAscendingAndTotalReturnDescending() {
        var small = VariantMetricsFixture.metrics()
        small.maxDrawdownPct = 5
        small.totalReturnPct = 1
        var large = small
        large.maxDrawdownPct = 20
        large.totalReturnPct = 2
        #expect(Ranking(objective: .maxDrawdownPct).compareScores(small, large) < 0)
        #expect(Ranking(objective: .totalReturnPct).compareScores(small, large) > 0)
    }

    @Test func nullAndNaNRankLast_andTooFewTradesRankAfterEverything() {
        var valued = VariantMetricsFixture.metrics()
        valued.profitFactor = 0.5
        valued.totalClosedTrades = 3
        var null = valued
        null.profitFactor = nil
        var nan = valued
        nan.profitFactor = .nan
        let ranking = Ranking(objective: .profitFactor)
        #expect(ranking.compareScores(valued, null) < 0)
        #expect(ranking.compareScores(nan, valued) > 0)
        #expect(ranking.compareScores(nan, null) == 0)
        // At N closed trades a variant qualifies, at N − 1 it ranks after even a null one.
        var few = valued
        few.totalClosedTrades = 2
        few.profitFactor = 100
        let strict = Ranking(objective: .profitFactor, minTrades: 3)
        #expect(strict.qualifies(valued))
        #expect(!strict.qualifies(few))
        #expect(strict.compareScores(few, null) > 0)
    }

    @Test func theDefaultRankingIsTheEarlierOne() throws {
        let outcome = try GridRunner(workers: 2).run(
            Self.variants, keys: { Self.key($0) }, on: Self.walk, settings: BacktestSettings(), topK: 20)
        #expect(
            outcome.top.map(\.variantKey)
                == Array(Self.reference(.totalReturnPct, minTrades: 0, settings: BacktestSettings()).prefix(20)))
    }
}

/// A `VariantMetrics` whose fields a test then sets.
enum VariantMetricsFixture {
    static func metrics() -> VariantMetrics {
        Backtester.metrics(
            DualSMAParameters(fast: 2, slow: 5), on: makeSeries(closes: [1, 2, 3, 4, 5, 6]),
            settings: BacktestSettings())
    }
}
