import Testing

@testable import BacktestEngine

@Suite struct DatasetAggregateTests {
    @Test func scores_areMeanMedianAndMin_noneWhenADatasetHasNoValue() {
        let scores = DatasetAggregate.scores([[1, 4, .nan], [3, 2, 5], [8, 0, 1]])
        #expect(scores[0] == AggregateScore(mean: 4, median: 3, min: 1))
        #expect(scores[1] == AggregateScore(mean: 2, median: 2, min: 0))
        #expect(scores[2] == AggregateScore(mean: nil, median: nil, min: nil))
        // An even count: the median is the mean of the middle two.
        #expect(DatasetAggregate.scores([[1], [4]])[0].median == 2.5)
    }

    @Test func top_ranksByMean_missingLast_tiesByKey_ascendingForDrawdown() {
        let scores = DatasetAggregate.scores([[1, 5, .nan, 5, 3]])
        let keys = ["e", "d", "c", "a", "b"]
        #expect(DatasetAggregate.top(scores, k: 5, objective: .totalReturnPct, key: { keys[$0] }) == [3, 1, 4, 0, 2])
        #expect(DatasetAggregate.top(scores, k: 2, objective: .totalReturnPct, key: { keys[$0] }) == [3, 1])
        #expect(DatasetAggregate.top(scores, k: 5, objective: .maxDrawdownPct, key: { keys[$0] }) == [0, 4, 3, 1, 2])
        #expect(DatasetAggregate.top(scores, k: 0, objective: .totalReturnPct, key: { keys[$0] }).isEmpty)
    }
}
