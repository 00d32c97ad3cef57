#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Robustness checks of one variant (ENGINE.md, "Validation"); seeded and reproducible.
public enum Validation {
    /// What to run; `nil` parts are skipped.
    public struct Request: Sendable, Hashable {
        public var permutations: Int?
        public var bootstrapSamples: Int?
        public var blockSize: Int
        public var seed: UInt64

        public init(permutations: Int? = nil, bootstrapSamples: Int? = nil, blockSize: Int = 24, seed: UInt64 = 42) {
            self.permutations = permutations
            self.bootstrapSamples = bootstrapSamples
            self.blockSize = blockSize
            self.seed = seed
        }
    }

    public struct PermutationResult: Sendable, Equatable {
        public let n: Int
        public let pValueTotalReturn: Double
        public let pValueSharpe: Double
    }

    public struct Percentiles: Sendable, Equatable {
        public let p5: Double
        public let p50: Double
        public let p95: Double
    }

    public struct BootstrapResult: Sendable, Equatable {
        public let n: Int
        public let blockSize: Int
        public let totalReturnPct: Percentiles
        public let sharpe: Percentiles
        public let probabilityOfLoss: Double
    }

    public struct Report: Sendable, Equatable {
        public let permutation: PermutationResult?
        public let bootstrap: BootstrapResult?
    }

    /// Bar evaluations the checks cost for `variants` variants over `bars` bars (saturating):
    /// one pass over the bars per permutation and per bootstrap sample.
    public static func work(_ request: Request, variants: Int, bars: Int) -> Int {
        (request.permutations ?? 0).saturatingAdding(request.bootstrapSamples ?? 0).saturatingMultiplied(by: bars)
            .saturatingMultiplied(by: variants)
    }

    /// Runs the requested checks for `parameters`; `isCancelled` is polled between re-runs and
    /// `reRunDone` told after each (permutations first, then bootstrap samples).
    public static func run(
        _ request: Request, parameters: DualSMAParameters, on data: PreparedSeries, settings: BacktestSettings,
        isCancelled: () -> Bool = { false }, reRunDone: () -> Void = {}
    ) throws(EngineError) -> Report {
        let observed = Backtester.detailed(parameters, on: data, settings: settings)
        var permutation: PermutationResult?
        if let count = request.permutations, count > 0 {
            permutation = try permutationTest(
                count: count, seed: request.seed, parameters: parameters, data: data, settings: settings,
                observed: observed.metrics, isCancelled: isCancelled, reRunDone: reRunDone)
        }
        var bootstrap: BootstrapResult?
        if let count = request.bootstrapSamples, count > 0 {
            bootstrap = try blockBootstrap(
                count: count, blockSize: request.blockSize, seed: request.seed, equity: observed.equity,
                initialCash: settings.execution.initialCash, annualization: settings.annualizationFactor,
                isCancelled: isCancelled, reRunDone: reRunDone)
        }
        return Report(permutation: permutation, bootstrap: bootstrap)
    }

    static func permutationTest(
        count: Int, seed: UInt64, parameters: DualSMAParameters, data: PreparedSeries, settings: BacktestSettings,
        observed: VariantMetrics, isCancelled: () -> Bool, reRunDone: () -> Void = {}
    ) throws(EngineError) -> PermutationResult {
        var generator = SeededGenerator(seed: seed, stream: 1)
        let series = data.series
        let n = series.count
        guard n > 1 else { return PermutationResult(n: count, pValueTotalReturn: 1, pValueSharpe: 1) }
        let logReturns = (1..<n).map { log(series.close[$0] / series.close[$0 - 1]) }
        let observedSharpe = observed.sharpeRatio ?? -.infinity
        var atLeastReturn = 0
        var atLeastSharpe = 0
        for _ in 0..<count {
            if isCancelled() { throw EngineError.cancelled }
            var shuffled = logReturns
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                shuffled.swapAt(i, generator.nextIndex(below: i + 1))
            }
            var permuted = series
            var price = series.close[0]
            for t in 1..<n {
                price *= exp(shuffled[t - 1])
                let scale = price / series.close[t]
                permuted.close[t] = price
                permuted.open[t] = series.open[t] * scale
                permuted.high[t] = series.high[t] * scale
                permuted.low[t] = series.low[t] * scale
            }
            let metrics = Backtester.metrics(parameters, on: PreparedSeries(permuted), settings: settings)
            if metrics.totalReturnPct >= observed.totalReturnPct { atLeastReturn += 1 }
            if (metrics.sharpeRatio ?? -.infinity) >= observedSharpe { atLeastSharpe += 1 }
            reRunDone()
        }
        return PermutationResult(
            n: count, pValueTotalReturn: Double(1 + atLeastReturn) / Double(count + 1),
            pValueSharpe: Double(1 + atLeastSharpe) / Double(count + 1))
    }

    static func blockBootstrap(
        count: Int, blockSize: Int, seed: UInt64, equity: [Double], initialCash: Double, annualization: Double,
        isCancelled: () -> Bool = { false }, reRunDone: () -> Void = {}
    ) throws(EngineError) -> BootstrapResult {
        var generator = SeededGenerator(seed: seed, stream: 2)
        var returns: [Double] = []
        var previous = initialCash
        for value in equity {
            returns.append(value / previous - 1)
            previous = value
        }
        let n = returns.count
        let block = max(1, min(blockSize, n))
        var totals: [Double] = []
        var sharpes: [Double] = []
        for _ in 0..<count {
            // One sample costs a pass over the bars, like one permutation: check as often.
            if isCancelled() { throw EngineError.cancelled }
            var growth = 1.0
            var sum = 0.0
            var squares = 0.0
            var taken = 0
            while taken < n {
                let start = generator.nextIndex(below: n - block + 1)
                for offset in 0..<min(block, n - taken) {
                    let r = returns[start + offset]
                    growth *= 1 + r
                    sum += r
                    squares += r * r
                }
                taken += min(block, n - taken)
            }
            totals.append(100 * (growth - 1))
            let mean = sum / Double(n)
            let variance = n > 1 ? (squares - sum * sum / Double(n)) / Double(n - 1) : 0
            sharpes.append(variance > 0 ? mean / variance.squareRoot() * annualization.squareRoot() : 0)
            reRunDone()
        }
        let losses = totals.filter { $0 <= 0 }.count
        return BootstrapResult(
            n: count, blockSize: block, totalReturnPct: percentiles(totals), sharpe: percentiles(sharpes),
            probabilityOfLoss: Double(losses) / Double(max(count, 1)))
    }

    /// 5th, 50th and 95th percentiles with linear interpolation (numpy's default).
    static func percentiles(_ values: [Double]) -> Percentiles {
        let sorted = values.sorted()
        func at(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let position = q * Double(sorted.count - 1)
            let lower = Int(position.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
        }
        return Percentiles(p5: at(0.05), p50: at(0.5), p95: at(0.95))
    }
}
