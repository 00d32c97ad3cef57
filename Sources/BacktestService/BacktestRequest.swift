import BacktestEngine

/// A validated `POST /backtests` body with every default applied.
public struct BacktestRequest: Sendable {
    /// Which bars to run on.
    public enum DataSelection: Sendable, Equatable {
        case dataset(id: String)
        case symbol(String, timeframe: String, fromMilliseconds: Int64?, toMilliseconds: Int64?)
    }

    public var data: DataSelection?
    public var parameters: DualSMAParameters
    public var gridAxes: [ParameterGrid.Axis]
    public var settings: BacktestSettings
    public var validation: Validation.Request?
    public var topK: Int
    public var seed: UInt64
    /// The normalized request as JSON (what the input hash covers, with the dataset hash and engine version).
    public var normalized: JSONValue

    public var grid: ParameterGrid { ParameterGrid(base: parameters, axes: gridAxes) }
}
