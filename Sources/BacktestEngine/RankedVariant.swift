/// One evaluated variant in the ranking.
public struct RankedVariant: Sendable {
    public let variantIndex: Int
    /// Strategy parameters and the risk and execution values it ran with.
    public let variant: GridVariant
    public let variantKey: String
    public let metrics: VariantMetrics

    public init(variantIndex: Int, variant: GridVariant, variantKey: String, metrics: VariantMetrics) {
        self.variantIndex = variantIndex
        self.variant = variant
        self.variantKey = variantKey
        self.metrics = metrics
    }

    public var parameters: DualSMAParameters { variant.parameters }

    /// The settings of a single run of this variant: the run's with the variant's risk and execution values.
    public func settings(_ base: BacktestSettings) -> BacktestSettings { variant.settings(base) }

    /// Total return desc, then variant key asc; NaN last (ENGINE.md, "Rank"): the default `Ranking`.
    public static func ranksBefore(_ a: RankedVariant, _ b: RankedVariant) -> Bool {
        Ranking().ranksBefore(a, b)
    }
}

/// The best K variants seen so far, in rank order; memory bounded by K.
struct TopK {
    let capacity: Int
    let ranking: Ranking
    private(set) var items: [RankedVariant] = []

    init(capacity: Int, ranking: Ranking = Ranking()) {
        self.capacity = max(0, capacity)
        self.ranking = ranking
    }

    /// Whether a variant with these metrics could enter (keys are only made for those).
    func admits(_ metrics: VariantMetrics) -> Bool {
        guard capacity > 0 else { return false }
        guard items.count == capacity, let worst = items.last else { return true }
        return ranking.compareScores(metrics, worst.metrics) <= 0
    }

    mutating func offer(_ candidate: RankedVariant) {
        guard capacity > 0 else { return }
        if items.count == capacity, let worst = items.last, !ranking.ranksBefore(candidate, worst) { return }
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if ranking.ranksBefore(items[middle], candidate) { low = middle + 1 } else { high = middle }
        }
        items.insert(candidate, at: low)
        if items.count > capacity { items.removeLast() }
    }
}
