/// A metric a grid can be ranked by (`rank_by`); walk-forward windows pick their best variant
/// by the same objective.
public enum RankObjective: String, Sendable, Hashable, CaseIterable {
    case totalReturnPct = "total_return_pct"
    case sharpeRatio = "sharpe_ratio"
    case sortinoRatio = "sortino_ratio"
    case calmarRatio = "calmar_ratio"
    case profitFactor = "profit_factor"
    /// The one objective where smaller is better.
    case maxDrawdownPct = "max_drawdown_pct"
    case cagrPct = "cagr_pct"

    public var ascending: Bool { self == .maxDrawdownPct }

    /// The variant's value of the objective; nil (no value, an infinite ratio, NaN) ranks last.
    public func value(_ m: VariantMetrics) -> Double? {
        let value: Double? =
            switch self {
            case .totalReturnPct: m.totalReturnPct
            case .sharpeRatio: m.sharpeRatio
            case .sortinoRatio: m.sortinoRatio
            case .calmarRatio: m.calmarRatio
            case .profitFactor: m.profitFactor
            case .maxDrawdownPct: m.maxDrawdownPct
            case .cagrPct: m.cagrPct
            }
        guard let value, !value.isNaN else { return nil }
        return value
    }
}

/// How variants are ordered: variants with at least `minTrades` closed trades first, then by the
/// objective (best first, no value last), then by `variant_key` as text. Without a key the order
/// is a total preorder on metrics, so a bounded top-K can refuse a candidate before its key is made.
public struct Ranking: Sendable, Hashable {
    public var objective: RankObjective
    /// Variants with fewer closed trades rank after every variant that has enough.
    public var minTrades: Int

    public init(objective: RankObjective = .totalReturnPct, minTrades: Int = 0) {
        self.objective = objective
        self.minTrades = minTrades
    }

    /// Whether the variant has the closed trades `minTrades` asks for.
    public func qualifies(_ m: VariantMetrics) -> Bool { m.totalClosedTrades >= minTrades }

    /// Negative when `a` ranks before `b` on the metrics alone, positive after, 0 when only keys decide.
    public func compareScores(_ a: VariantMetrics, _ b: VariantMetrics) -> Int {
        let (qualifiesA, qualifiesB) = (qualifies(a), qualifies(b))
        if qualifiesA != qualifiesB { return qualifiesA ? -1 : 1 }
        switch (objective.value(a), objective.value(b)) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case (let x?, let y?):
            if x == y { return 0 }
            return (objective.ascending ? x < y : x > y) ? -1 : 1
        }
    }

    public func ranksBefore(_ a: RankedVariant, _ b: RankedVariant) -> Bool {
        let order = compareScores(a.metrics, b.metrics)
        return order != 0 ? order < 0 : a.variantKey < b.variantKey
    }
}
