import BacktestEngine

/// A grid request's `walk_forward` section, validated.
public struct WalkForwardRequest: Sendable, Equatable {
    public var configuration: WalkForwardConfiguration
    /// How each window's best variant is picked: `objective` (default: the request's `rank_by`)
    /// with the request's `min_trades`.
    public var ranking: Ranking
}

extension RequestParser {
    /// The most bars a train, test or step length may name (beyond any dataset's length).
    static let maxWalkForwardBars = 100_000_000

    /// `walk_forward: {train_bars, test_bars, step_bars = test_bars, anchored = false, objective = rank_by}`,
    /// and its normalized form (every default explicit). Whether the windows fit the data is
    /// checked once the data is known (`checkWalkForward`).
    func readWalkForward(_ value: JSONValue?, ranking: Ranking, problems: inout [ServiceError.Detail]) -> (
        WalkForwardRequest?, JSONValue
    ) {
        guard let value else { return (nil, .null) }
        var reader = ObjectReader(value, path: "walk_forward", problems: &problems)
        guard value.objectMembers != nil else { return (nil, .null) }
        let limit = Self.maxWalkForwardBars
        for key in ["train_bars", "test_bars"] where reader.raw(key) == nil { reader.fail(key, "is required") }
        let train = reader.integer("train_bars", default: 2, 2...limit)
        let test = reader.integer("test_bars", default: 1, 1...limit)
        let step = reader.integer("step_bars", default: test, 1...limit)
        if step < test { reader.fail("step_bars", "must be at least test_bars (\(test)): test slices may not overlap") }
        let anchored = reader.bool("anchored", default: false)
        let objective =
            RankObjective(
                rawValue: reader.choice(
                    "objective", default: ranking.objective.rawValue, RankObjective.allCases.map(\.rawValue)))
            ?? ranking.objective
        let before = problems.count
        reader.finish(into: &problems)
        guard problems.count == before else { return (nil, .null) }
        let request = WalkForwardRequest(
            configuration: .init(trainBars: train, testBars: test, stepBars: step, anchored: anchored),
            ranking: Ranking(objective: objective, minTrades: ranking.minTrades))
        return (
            request,
            .object([
                ("anchored", .bool(anchored)), ("objective", .string(objective.rawValue)),
                ("step_bars", .integer(step)),
                ("test_bars", .integer(test)), ("train_bars", .integer(train)),
            ])
        )
    }
}
