import BacktestEngine

/// A grid request's `walk_forward` section, validated.
public struct WalkForwardRequest: Sendable, Equatable {
    public var configuration: WalkForwardConfiguration
    /// The metric that picks each window's best variant (a `rank_by` name).
    public var objective: String
}

extension RequestParser {
    /// The most bars a train, test or step length may name (beyond any dataset's length).
    static let maxWalkForwardBars = 100_000_000

    /// `walk_forward: {train_bars, test_bars, step_bars = test_bars, anchored = false, objective}`,
    /// and its normalized form (every default explicit). Whether the windows fit the data is
    /// checked once the data is known (`checkWalkForward`).
    func readWalkForward(_ value: JSONValue?, problems: inout [ServiceError.Detail]) -> (
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
        let objective = reader.choice("objective", default: "total_return_pct", WalkForwardObjective.names)
        let before = problems.count
        reader.finish(into: &problems)
        guard problems.count == before else { return (nil, .null) }
        let request = WalkForwardRequest(
            configuration: .init(trainBars: train, testBars: test, stepBars: step, anchored: anchored),
            objective: objective)
        return (
            request,
            .object([
                ("anchored", .bool(anchored)), ("objective", .string(objective)), ("step_bars", .integer(step)),
                ("test_bars", .integer(test)), ("train_bars", .integer(train)),
            ])
        )
    }
}
