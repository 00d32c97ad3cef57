import Testing

@testable import BacktestEngine

@Suite struct ValidationTests {
    static let pair = DualSMAParameters(fast: 10, slow: 50)

    @Test func validation_isReproducibleForASeedAndDiffersAcrossSeeds() throws {
        let request = Validation.Request(permutations: 20, bootstrapSamples: 50, blockSize: 24, seed: 42)
        let first = try Validation.run(request, parameters: Self.pair, on: Fixtures.goog, settings: BacktestSettings())
        let second = try Validation.run(request, parameters: Self.pair, on: Fixtures.goog, settings: BacktestSettings())
        #expect(first == second)
        var other = request
        other.seed = 43
        #expect(
            try Validation.run(other, parameters: Self.pair, on: Fixtures.goog, settings: BacktestSettings()) != first)
    }

    @Test func permutation_pValuesAreWithinTheirRange() throws {
        let report = try Validation.run(
            Validation.Request(permutations: 19, seed: 1), parameters: Self.pair, on: Fixtures.goog,
            settings: BacktestSettings())
        let permutation = try #require(report.permutation)
        #expect(permutation.pValueTotalReturn >= 1.0 / 20 && permutation.pValueTotalReturn <= 1)
        #expect(permutation.pValueSharpe >= 1.0 / 20 && permutation.pValueSharpe <= 1)
        // p·(n+1) is a whole count.
        let scaled = permutation.pValueTotalReturn * 20
        #expect(abs(scaled - scaled.rounded()) < 1e-9)
    }

    @Test func bootstrap_percentilesAreOrdered() throws {
        let report = try Validation.run(
            Validation.Request(bootstrapSamples: 200, blockSize: 24, seed: 5), parameters: Self.pair, on: Fixtures.goog,
            settings: BacktestSettings())
        let bootstrap = try #require(report.bootstrap)
        #expect(bootstrap.totalReturnPct.p5 <= bootstrap.totalReturnPct.p50)
        #expect(bootstrap.totalReturnPct.p50 <= bootstrap.totalReturnPct.p95)
        #expect(bootstrap.sharpe.p5 <= bootstrap.sharpe.p95)
        #expect((0...1).contains(bootstrap.probabilityOfLoss))
    }

    @Test func percentiles_interpolateLikeNumpy() {
        let p = Validation.percentiles([1, 2, 3, 4, 5])
        #expect(p.p50 == 3)
        #expect(abs(p.p5 - 1.2) < 1e-12)
        #expect(abs(p.p95 - 4.8) < 1e-12)
    }

    @Test func generator_isTheReferenceXoshiroStream() {
        var a = SeededGenerator(seed: 42, stream: 1)
        var b = SeededGenerator(seed: 42, stream: 1)
        var c = SeededGenerator(seed: 42, stream: 2)
        let first = (0..<5).map { _ in a.next() }
        #expect(first == (0..<5).map { _ in b.next() })
        #expect(first != (0..<5).map { _ in c.next() })
        for _ in 0..<1000 { #expect(a.nextIndex(below: 7) < 7) }
    }
}

@Suite struct ValidationBudgetTests {
    @Test func workCountsEveryPassAndSaturates() {
        let request = Validation.Request(permutations: 100, bootstrapSamples: 50)
        #expect(Validation.work(request, variants: 10, bars: 1000) == 1_500_000)
        #expect(Validation.work(request, variants: .max, bars: 2) == .max)
        #expect(Validation.work(Validation.Request(), variants: 10, bars: 1000) == 0)
    }

    @Test func theBootstrapStopsWhenCancelled() {
        var calls = 0
        #expect(throws: EngineError.cancelled) {
            _ = try Validation.blockBootstrap(
                count: 1000, blockSize: 5, seed: 1, equity: [1, 2, 3, 4, 5, 6], initialCash: 1, annualization: 252,
                isCancelled: {
                    calls += 1
                    return calls > 3
                })
        }
        #expect(calls == 4)
    }
}
