/// Parameters of the `dual_sma` strategy (ENGINE.md, "dual_sma signals").
public struct DualSMAParameters: Sendable, Hashable {
    public var fast: Int
    public var slow: Int
    /// Band around the slow average, in basis points.
    public var thresholdBp: Double
    /// Bars between a signal and the bar it is acted on.
    public var delayBars: Int
    public var longOnly: Bool

    public init(fast: Int, slow: Int, thresholdBp: Double = 0, delayBars: Int = 0, longOnly: Bool = true) {
        self.fast = fast
        self.slow = slow
        self.thresholdBp = thresholdBp
        self.delayBars = delayBars
        self.longOnly = longOnly
    }
}

/// Which price a market order fills at.
public enum FillPrice: String, Sendable, Hashable {
    /// The close of the acting bar (vectorbt's default).
    case close
    /// The open of the bar after the acting bar.
    case openNext = "open_next"
}

/// Costs and capital (ENGINE.md, "Execution").
public struct ExecutionSettings: Sendable, Hashable {
    public var fillPrice: FillPrice = .close
    public var initialCash: Double = 10_000
    public var feeBps: Double = 0
    public var commissionPerShare: Double = 0
    public var slippageBps: Double = 0
    /// Annual borrow cost of a short, in basis points of its notional.
    public var borrowBps: Double = 0

    public init() {}
}

/// Position sizing and exits (`fixed_fraction`).
public struct RiskSettings: Sendable, Hashable {
    public var fraction: Double = 1
    public var maxLeverage: Double = 1
    /// Percent below (long) or above (short) the entry fill, e.g. 5 for 5%.
    public var stopLossPct: Double?
    /// Percent above (long) or below (short) the entry fill.
    public var takeProfitPct: Double?

    public init() {}
}

/// Everything but the strategy parameters that a simulation needs.
public struct BacktestSettings: Sendable, Hashable {
    public var execution = ExecutionSettings()
    public var risk = RiskSettings()
    /// Length of one bar in seconds (annualization, durations).
    public var barSeconds: Double = 86_400
    /// Days in a year for annualization (vectorbt: 365).
    public var yearDays: Double = 365
    /// Bars at the start that only warm the indicators up: no signal before bar `warmupBars` is
    /// acted on, and the metrics (returns, drawdown, benchmark, period) start there. 0: none.
    public var warmupBars: Int = 0

    public init() {}

    /// The first bar the metrics cover (`warmupBars` clamped to the series).
    public func firstMeasuredBar(count: Int) -> Int { min(max(0, warmupBars), count) }

    /// Periods per year, `A` in ENGINE.md.
    public var annualizationFactor: Double { yearDays * 86_400 / barSeconds }
}
