/// Running sums from which every metric of one variant is derived at the end.
struct MetricsAccumulator {
    let initialCash: Double
    // Returns r[t] = value[t]/value[t−1] − 1; flat bars add 0 and need no visit.
    var sumReturns = 0.0
    var sumSquares = 0.0
    var sumDownsideSquares = 0.0
    var sumGains = 0.0
    var sumLosses = 0.0
    // Drawdown.
    var peakValue: Double
    var peakIndex = 0
    var inDrawdown = false
    var maxDrawdown = 0.0
    var maxDrawdownBars = 0
    // Exposure and costs.
    var exposureBars = 0
    var maxGrossExposure = 0.0
    var feesPaid = 0.0
    var borrowPaid = 0.0
    // Trades.
    var totalTrades = 0
    var closedTrades = 0
    var winningTrades = 0
    var losingTrades = 0
    var sumWinningReturns = 0.0
    var sumLosingReturns = 0.0
    var bestReturn = -Double.infinity
    var worstReturn = Double.infinity
    var grossProfit = 0.0
    var grossLoss = 0.0
    var sumPnl = 0.0
    var winningBars = 0
    var losingBars = 0
    var openTradePnl = 0.0

    init(initialCash: Double) {
        self.initialCash = initialCash
        peakValue = initialCash
    }

    @inline(__always) mutating func addReturn(_ r: Double) {
        sumReturns += r
        sumSquares += r * r
        if r < 0 {
            sumDownsideSquares += r * r
            sumLosses += r
        } else {
            sumGains += r
        }
    }

    /// One explicitly valued bar.
    @inline(__always) mutating func addBar(_ t: Int, value: Double, previousValue: Double) {
        addReturn(value / previousValue - 1)
        if value >= peakValue {
            newPeak(value, at: t)
        } else {
            inDrawdown = true
            deepen(value: value)
        }
    }

    /// A value at or above the running peak; closes a drawdown (vectorbt counts its duration
    /// from the peak bar to the bar before recovery).
    @inline(__always) mutating func newPeak(_ value: Double, at t: Int) {
        if inDrawdown {
            maxDrawdownBars = max(maxDrawdownBars, t - peakIndex - 1)
            inDrawdown = false
        }
        peakValue = value
        peakIndex = t
    }

    @inline(__always) mutating func deepen(value: Double) {
        let drawdown = 1 - value / peakValue
        if drawdown > maxDrawdown { maxDrawdown = drawdown }
    }

    /// Adds the returns of bars `from...through` of a fully invested long, from prefix sums.
    mutating func addReturnSums(_ sums: [ReturnSums], from: Int, through: Int) {
        let (start, end) = (sums[from], sums[through + 1])
        sumReturns += end.returns - start.returns
        sumSquares += end.squares - start.squares
        sumDownsideSquares += end.downsideSquares - start.downsideSquares
        sumGains += end.gains - start.gains
        sumLosses += end.losses - start.losses
    }

    mutating func addClosedTrade(pnl: Double, returnFraction: Double, bars: Int) {
        closedTrades += 1
        sumPnl += pnl
        bestReturn = max(bestReturn, returnFraction)
        worstReturn = min(worstReturn, returnFraction)
        if pnl > 0 {
            winningTrades += 1
            sumWinningReturns += returnFraction
            grossProfit += pnl
            winningBars += bars
        } else if pnl < 0 {
            losingTrades += 1
            sumLosingReturns += returnFraction
            grossLoss += pnl
            losingBars += bars
        }
    }

    func metrics(finalValue: Double, series: OHLCVSeries, settings: BacktestSettings) -> VariantMetrics {
        VariantMetrics(accumulator: self, finalValue: finalValue, series: series, settings: settings)
    }
}
