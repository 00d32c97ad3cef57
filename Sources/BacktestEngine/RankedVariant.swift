/// One evaluated variant in the ranking.
public struct RankedVariant: Sendable {
    public let variantIndex: Int
    public let parameters: DualSMAParameters
    public let variantKey: String
    public let metrics: VariantMetrics

    /// Total return desc, then variant key asc; NaN last (ENGINE.md, "Rank").
    public static func ranksBefore(_ a: RankedVariant, _ b: RankedVariant) -> Bool {
        let x = a.metrics.totalReturnPct
        let y = b.metrics.totalReturnPct
        if x.isNaN != y.isNaN { return !x.isNaN }
        if !x.isNaN && x != y { return x > y }
        return a.variantKey < b.variantKey
    }
}

/// The best K variants seen so far, in rank order; memory bounded by K.
struct TopK {
    let capacity: Int
    private(set) var items: [RankedVariant] = []

    init(capacity: Int) { self.capacity = max(0, capacity) }

    /// Whether a variant with this total return could enter (keys are only made for those).
    func admits(totalReturnPct: Double) -> Bool {
        guard capacity > 0 else { return false }
        guard items.count == capacity, let worst = items.last?.metrics.totalReturnPct else { return true }
        if totalReturnPct.isNaN { return worst.isNaN }
        return worst.isNaN || totalReturnPct >= worst
    }

    mutating func offer(_ candidate: RankedVariant) {
        guard capacity > 0 else { return }
        if items.count == capacity, let worst = items.last, !RankedVariant.ranksBefore(candidate, worst) { return }
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if RankedVariant.ranksBefore(items[middle], candidate) { low = middle + 1 } else { high = middle }
        }
        items.insert(candidate, at: low)
        if items.count > capacity { items.removeLast() }
    }
}
