/// What one contiguous range of a grid's variants gives when evaluated on its own: the range's
/// best variants (global indices) and every variant's total return and ranking score. Ranges
/// evaluated anywhere, in any order, merge into exactly the whole run's outcome, because the
/// ranking is a total order (ties break by variant key): the global top K is the top K of the
/// union of every range's top K.
public struct GridPartial: Sendable {
    /// One of the range's best variants: its index in the whole grid and its metrics (the
    /// variant and its key follow from the index, so they are not stored).
    public struct Entry: Sendable {
        public let variantIndex: Int
        public let metrics: VariantMetrics

        public init(variantIndex: Int, metrics: VariantMetrics) {
            self.variantIndex = variantIndex
            self.metrics = metrics
        }
    }

    /// The variant indices evaluated.
    public let range: Range<Int>
    /// The range's best variants, in rank order.
    public let top: [Entry]
    /// Total return [%] of each variant of the range, in index order.
    public let totalReturns: [Double]
    /// Ranking objective value of each variant of the range (NaN: none), in index order.
    public let scores: [Double]

    public init(range: Range<Int>, top: [Entry], totalReturns: [Double], scores: [Double]) {
        self.range = range
        self.top = top
        self.totalReturns = totalReturns
        self.scores = scores
    }

    /// The whole grid's outcome from partials covering `0..<variants.count` exactly once (in any
    /// order); nil when they do not (a gap, an overlap, a count that does not match).
    public static func merge(
        _ partials: [GridPartial], variants: [GridVariant], keys: (GridVariant) -> String, topK: Int,
        ranking: Ranking = Ranking()
    ) -> GridOutcome? {
        var top = TopK(capacity: topK, ranking: ranking)
        var totalReturns: [Double] = []
        var scores: [Double] = []
        totalReturns.reserveCapacity(variants.count)
        scores.reserveCapacity(variants.count)
        var next = 0
        for partial in partials.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            guard partial.range.lowerBound == next, partial.range.upperBound <= variants.count,
                partial.totalReturns.count == partial.range.count, partial.scores.count == partial.range.count
            else { return nil }
            for entry in partial.top {
                guard partial.range.contains(entry.variantIndex) else { return nil }
                let variant = variants[entry.variantIndex]
                top.offer(
                    RankedVariant(
                        variantIndex: entry.variantIndex, variant: variant, variantKey: keys(variant),
                        metrics: entry.metrics))
            }
            totalReturns.append(contentsOf: partial.totalReturns)
            scores.append(contentsOf: partial.scores)
            next = partial.range.upperBound
        }
        guard next == variants.count else { return nil }
        return GridOutcome(top: top.items, totalReturns: totalReturns, scores: scores, evaluated: variants.count)
    }
}

extension GridRunner {
    /// Evaluates the variants of `range` (clamped to the grid) as a run of their own and keeps
    /// what a merge needs. The top K of the range is the whole run's comparator applied to the
    /// range, so `GridPartial.merge` of all ranges equals `run` of the whole grid.
    public func run(
        range: Range<Int>, of variants: [GridVariant], keys: @Sendable (GridVariant) -> String,
        on data: PreparedSeries, settings: BacktestSettings, topK: Int, ranking: Ranking = Ranking(),
        progress: (GridProgress) -> Void = { _ in }, isCancelled: () -> Bool = { false }
    ) throws(EngineError) -> GridPartial {
        let bounded = range.clamped(to: 0..<variants.count)
        let outcome = try run(
            Array(variants[bounded]), keys: keys, on: data, settings: settings, topK: topK, ranking: ranking,
            progress: progress, isCancelled: isCancelled)
        return GridPartial(
            range: bounded,
            top: outcome.top.map {
                GridPartial.Entry(variantIndex: bounded.lowerBound + $0.variantIndex, metrics: $0.metrics)
            },
            totalReturns: outcome.totalReturns, scores: outcome.scores)
    }
}
