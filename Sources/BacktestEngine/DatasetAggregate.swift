/// A variant's ranking objective across several datasets.
public struct AggregateScore: Sendable, Equatable {
    public let mean: Double?
    public let median: Double?
    public let min: Double?
}

/// Ranking one grid across several datasets: every variant's objective on every dataset,
/// aggregated by mean (the rank), median and min.
public enum DatasetAggregate {
    /// `perDataset[d][v]`: variant `v`'s objective on dataset `d` (NaN: none). A variant missing
    /// the value on any dataset has no aggregate (it ranks last).
    public static func scores(_ perDataset: [[Double]]) -> [AggregateScore] {
        let count = perDataset.first?.count ?? 0
        return (0..<count).map { v in
            let values = perDataset.map { $0[v] }
            guard !values.isEmpty, !values.contains(where: \.isNaN) else {
                return AggregateScore(mean: nil, median: nil, min: nil)
            }
            let sorted = values.sorted()
            let middle = sorted.count / 2
            let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
            return AggregateScore(
                mean: values.reduce(0, +) / Double(values.count), median: median, min: sorted.first)
        }
    }

    /// The indices of the best `k` variants by mean, in rank order: larger first (smaller for an
    /// ascending objective), no value last, ties by `key` as text.
    public static func top(_ scores: [AggregateScore], k: Int, objective: RankObjective, key: (Int) -> String) -> [Int]
    {
        func before(_ a: Int, _ b: Int) -> Bool {
            switch (scores[a].mean, scores[b].mean) {
            case (let x?, let y?) where x != y: return objective.ascending ? x < y : x > y
            case (nil, _?): return false
            case (_?, nil): return true
            default: return key(a) < key(b)
            }
        }
        guard k > 0 else { return [] }
        var best: [Int] = []
        for index in scores.indices {
            if best.count == k, let worst = best.last, !before(index, worst) { continue }
            var low = 0
            var high = best.count
            while low < high {
                let middle = (low + high) / 2
                if before(best[middle], index) { low = middle + 1 } else { high = middle }
            }
            best.insert(index, at: low)
            if best.count > k { best.removeLast() }
        }
        return best
    }
}
