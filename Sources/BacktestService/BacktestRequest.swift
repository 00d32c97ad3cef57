import BacktestEngine

/// A validated `POST /backtests` body with every default applied.
public struct BacktestRequest: Sendable {
    /// Which dataset to run on.
    public enum DataSelection: Sendable, Equatable {
        case dataset(id: String)
        case symbol(String, timeframe: String)
    }

    public var data: DataSelection?
    /// The bars of the dataset to use, inclusive bounds in epoch milliseconds (nil: unbounded);
    /// they apply to either kind of selection.
    public var fromMilliseconds: Int64?
    public var toMilliseconds: Int64?
    /// Whether `from` or `to` narrows the dataset.
    public var isWindowed: Bool { fromMilliseconds != nil || toMilliseconds != nil }
    public var parameters: DualSMAParameters
    public var gridAxes: [ParameterGrid.Axis]
    public var settings: BacktestSettings
    public var validation: Validation.Request?
    public var topK: Int
    /// How many of the top variants carry their trade list in the results (`top_trades_n`).
    public var topTradesN: Int = 0
    /// `rank_by` and `min_trades`.
    public var ranking: Ranking
    public var seed: UInt64
    /// Several datasets (`datasets` or `symbols`) instead of `data`: every variant runs on each.
    public var datasets: [DatasetItem]? = nil
    /// Walk-forward analysis over the grid, when asked for.
    public var walkForward: WalkForwardRequest? = nil
    /// The normalized request as JSON (what the input hash covers, with the dataset hash and engine version).
    public var normalized: JSONValue

    /// The heatmap's axes (chosen or by default), nil when the grid has none to show.
    public var heatmap: HeatmapAxes?

    public var grid: ParameterGrid { ParameterGrid(base: parameters, settings: settings, axes: gridAxes) }
}
