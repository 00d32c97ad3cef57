import Testing

@testable import BacktestEngine

/// A grid split into ranges, evaluated in any order, stored as bytes and merged, gives the whole
/// run's outcome bit for bit.
@Suite struct GridPartialTests {
    static let walk = PreparedSeries(SyntheticSeries.randomWalk(bars: 900, seed: 5))

    static func key(_ v: GridVariant) -> String {
        "fast=\(v.parameters.fast),slow=\(v.parameters.slow),fee=\(v.feeBps),stop=\(v.stopLossPct ?? -1)"
    }

    /// A random grid: windows, fees and stops drawn from small sets, so ties in the ranking occur
    /// (equal metrics, told apart by key).
    static func grid(_ random: inout SeededGenerator) -> [GridVariant] {
        let count = Int.random(in: 1...160, using: &random)
        var settings = BacktestSettings()
        settings.execution.feeBps = 5
        // A real grid never repeats a variant (its axes hold distinct values): keys are unique.
        var seen = Set<String>()
        return (0..<count).map { _ in
            let fast = Int.random(in: 2...12, using: &random)
            var variant = GridVariant(
                parameters: DualSMAParameters(fast: fast, slow: fast + Int.random(in: 1...60, using: &random)),
                settings: settings)
            variant.feeBps = [0, 5, 10][Int.random(in: 0...2, using: &random)]
            variant.stopLossPct = [nil, 2, 5][Int.random(in: 0...2, using: &random)]
            return variant
        }.filter { seen.insert(key($0)).inserted }
    }

    static func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

    static func metricBytes(_ top: [RankedVariant]) -> [[UInt8]] {
        top.map {
            GridPartial(
                range: 0..<0, top: [.init(variantIndex: $0.variantIndex, metrics: $0.metrics)], totalReturns: [],
                scores: []
            ).encoded()
        }
    }

    @Test(arguments: 0..<12)
    func mergeOfShuffledRanges_isTheWholeRun(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed), stream: 77)
        let variants = Self.grid(&random)
        let objectives = RankObjective.allCases
        let ranking = Ranking(
            objective: objectives[Int.random(in: 0..<objectives.count, using: &random)],
            minTrades: Int.random(in: 0...3, using: &random))
        let topK = Int.random(in: 0...20, using: &random)
        let runner = GridRunner(workers: Int.random(in: 1...3, using: &random))
        let whole = try runner.run(
            variants, keys: { Self.key($0) }, on: Self.walk, settings: BacktestSettings(), topK: topK,
            ranking: ranking)
        var ranges: [Range<Int>] = []
        var start = 0
        while start < variants.count {
            let end = min(variants.count, start + Int.random(in: 1...40, using: &random))
            ranges.append(start..<end)
            start = end
        }
        ranges.shuffle(using: &random)
        let partials = try ranges.map { range in
            let bytes = try runner.run(
                range: range, of: variants, keys: { Self.key($0) }, on: Self.walk, settings: BacktestSettings(),
                topK: topK, ranking: ranking
            ).encoded()
            return try #require(GridPartial(encoded: bytes))
        }
        let merged = try #require(
            GridPartial.merge(partials, variants: variants, keys: { Self.key($0) }, topK: topK, ranking: ranking))
        #expect(merged.top.map(\.variantKey) == whole.top.map(\.variantKey))
        #expect(merged.top.map(\.variantIndex) == whole.top.map(\.variantIndex))
        #expect(Self.metricBytes(merged.top) == Self.metricBytes(whole.top))
        #expect(Self.bits(merged.totalReturns) == Self.bits(whole.totalReturns))
        #expect(Self.bits(merged.scores) == Self.bits(whole.scores))
        #expect(merged.evaluated == whole.evaluated)
    }

    @Test func mergeRefusesGapsAndOverlaps() throws {
        var random = SeededGenerator(seed: 3)
        let variants = Array(Self.grid(&random).prefix(10))
        #expect(variants.count >= 1)
        let runner = GridRunner(workers: 1)
        func part(_ range: Range<Int>) throws -> GridPartial {
            try runner.run(
                range: range, of: variants, keys: { Self.key($0) }, on: Self.walk, settings: BacktestSettings(),
                topK: 3)
        }
        let n = variants.count
        guard n >= 2 else { return }
        let half = n / 2
        #expect(GridPartial.merge([try part(0..<half)], variants: variants, keys: { Self.key($0) }, topK: 3) == nil)
        #expect(
            GridPartial.merge(
                [try part(0..<half + 1), try part(half..<n)], variants: variants, keys: { Self.key($0) }, topK: 3)
                == nil)
        #expect(
            GridPartial.merge(
                [try part(0..<half), try part(half..<n)], variants: variants, keys: { Self.key($0) }, topK: 3)
                != nil)
    }

    @Test func decodingRefusesTruncatedOrPaddedBytes() throws {
        var random = SeededGenerator(seed: 4)
        let variants = Self.grid(&random)
        let bytes = try GridRunner(workers: 1).run(
            range: 0..<variants.count, of: variants, keys: { Self.key($0) }, on: Self.walk,
            settings: BacktestSettings(), topK: 5
        ).encoded()
        #expect(GridPartial(encoded: bytes) != nil)
        for cut in [0, 3, 5, 13, bytes.count / 2, bytes.count - 1] {
            #expect(GridPartial(encoded: Array(bytes.prefix(cut))) == nil, "cut at \(cut)")
        }
        #expect(GridPartial(encoded: bytes + [0]) == nil)
        var huge = bytes
        // The top-K count claims more entries than bytes exist.
        for offset in 21..<29 { huge[offset] = 0x7F }
        #expect(GridPartial(encoded: huge) == nil)
    }
}
