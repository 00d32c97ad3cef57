/// One grid point: strategy parameters and the risk and execution values a grid may vary,
/// resolved against the run's settings (so every variant carries its complete values).
public struct GridVariant: Sendable, Hashable {
    public var parameters: DualSMAParameters
    public var stopLossPct: Double?
    public var takeProfitPct: Double?
    public var fraction: Double
    public var feeBps: Double
    public var slippageBps: Double

    /// The variant with the run's own risk and execution values.
    public init(parameters: DualSMAParameters, settings: BacktestSettings) {
        self.parameters = parameters
        stopLossPct = settings.risk.stopLossPct
        takeProfitPct = settings.risk.takeProfitPct
        fraction = settings.risk.fraction
        feeBps = settings.execution.feeBps
        slippageBps = settings.execution.slippageBps
    }

    /// `base` with this variant's risk and execution values: what a single run of its `spec` uses.
    public func settings(_ base: BacktestSettings) -> BacktestSettings {
        var settings = base
        settings.risk.stopLossPct = stopLossPct
        settings.risk.takeProfitPct = takeProfitPct
        settings.risk.fraction = fraction
        settings.execution.feeBps = feeBps
        settings.execution.slippageBps = slippageBps
        return settings
    }

    /// The value of `parameter` (nil: a disabled stop).
    public func value(_ parameter: GridParameter) -> Double? {
        switch parameter {
        case .fast: Double(parameters.fast)
        case .slow: Double(parameters.slow)
        case .delayBars: Double(parameters.delayBars)
        case .thresholdBp: parameters.thresholdBp
        case .feeBps: feeBps
        case .slippageBps: slippageBps
        case .fraction: fraction
        case .stopLossPct: stopLossPct
        case .takeProfitPct: takeProfitPct
        }
    }

    /// Sets `parameter`; NaN disables a stop.
    public mutating func set(_ parameter: GridParameter, _ value: Double) {
        switch parameter {
        case .fast: parameters.fast = Int(value)
        case .slow: parameters.slow = Int(value)
        case .delayBars: parameters.delayBars = Int(value)
        case .thresholdBp: parameters.thresholdBp = value
        case .feeBps: feeBps = value
        case .slippageBps: slippageBps = value
        case .fraction: fraction = value
        case .stopLossPct: stopLossPct = value.isNaN ? nil : value
        case .takeProfitPct: takeProfitPct = value.isNaN ? nil : value
        }
    }
}
