/// One variant over a whole series: just its metrics, or everything (trades, equity curve).
public enum Backtester {
    /// The metrics of one variant (the same numbers the grid runner gives for it).
    public static func metrics(_ parameters: DualSMAParameters, on data: PreparedSeries, settings: BacktestSettings)
        -> VariantMetrics
    {
        var recorder = NoRecorder()
        var simulator = VariantSimulator(parameters: parameters, settings: settings)
        simulate(&simulator, data: data, recorder: &recorder)
        return simulator.finish(data: data)
    }

    /// Metrics, every trade (an open one last) and the per-bar equity of one variant.
    public static func detailed(_ parameters: DualSMAParameters, on data: PreparedSeries, settings: BacktestSettings)
        -> DetailedRun
    {
        var recorder = FullRecorder(firstBar: settings.firstMeasuredBar(count: data.count))
        var simulator = VariantSimulator(parameters: parameters, settings: settings)
        simulate(&simulator, data: data, recorder: &recorder)
        var trades = recorder.trades
        if let open = simulator.openTrade(data: data) { trades.append(open) }
        let metrics = simulator.finish(data: data)
        return DetailedRun(
            metrics: metrics, trades: trades, firstBar: recorder.firstBar, equity: recorder.values,
            positions: recorder.positions)
    }

    private static func simulate<R: SimulationRecorder>(
        _ simulator: inout VariantSimulator, data: PreparedSeries, recorder: inout R
    ) {
        let fast = data.sma(window: simulator.parameters.fast)
        let slow = data.sma(window: simulator.parameters.slow)
        fast.withUnsafeBufferPointer { fastRow in
            slow.withUnsafeBufferPointer { slowRow in
                simulator.advance(
                    data: data, range: 0..<data.count, fast: fastRow, slow: slowRow, base: 0, recorder: &recorder)
            }
        }
    }
}

/// A variant's full record.
public struct DetailedRun: Sendable {
    public let metrics: VariantMetrics
    public let trades: [TradeRecord]
    /// The bar `equity[0]` belongs to (after the warm-up bars).
    public let firstBar: Int
    /// Portfolio value after each measured bar's fills.
    public let equity: [Double]
    /// Signed position size after each measured bar's fills.
    public let positions: [Double]

    /// `1 − value / running peak` per bar, as a fraction.
    public var drawdown: [Double] {
        var peak = -Double.infinity
        return equity.map { value in
            peak = max(peak, value)
            return peak > 0 ? 1 - value / peak : 0
        }
    }
}
