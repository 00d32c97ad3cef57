import Foundation

/// Every number of vectorbt's `Portfolio.stats()` plus CAGR and exposure time, for one variant.
/// `nil` where a value does not exist (no closed trade) or is infinite (no losing trade).
public struct VariantMetrics: Sendable, Equatable {
    public var startValue: Double
    public var endValue: Double
    public var totalReturnPct: Double
    public var benchmarkReturnPct: Double
    public var maxGrossExposurePct: Double
    public var totalFeesPaid: Double
    public var maxDrawdownPct: Double
    public var maxDrawdownDurationSeconds: Double
    public var totalTrades: Int
    public var totalClosedTrades: Int
    public var totalOpenTrades: Int
    public var openTradePnl: Double
    public var winRatePct: Double?
    public var bestTradePct: Double?
    public var worstTradePct: Double?
    public var avgWinningTradePct: Double?
    public var avgLosingTradePct: Double?
    public var avgWinningTradeDurationSeconds: Double?
    public var avgLosingTradeDurationSeconds: Double?
    public var profitFactor: Double?
    public var expectancy: Double?
    public var sharpeRatio: Double?
    public var calmarRatio: Double?
    public var omegaRatio: Double?
    public var sortinoRatio: Double?
    public var cagrPct: Double?
    public var exposureTimePct: Double
    /// Why a ratio is null although its inputs exist (e.g. "infinite: no losing trade").
    public var notes: [String: String] = [:]

    init(accumulator a: MetricsAccumulator, finalValue: Double, series: OHLCVSeries, settings: BacktestSettings) {
        // Warm-up bars are outside the measured window (flat, no returns, no benchmark).
        let first = settings.firstMeasuredBar(count: series.count)
        let n = Double(max(series.count - first, 1))
        let annualization = settings.annualizationFactor
        startValue = a.initialCash
        self.endValue = finalValue
        let totalReturn = finalValue / a.initialCash - 1
        totalReturnPct = 100 * totalReturn
        if first < series.count, let last = series.close.last {
            benchmarkReturnPct = 100 * (last / series.close[first] - 1)
        } else {
            benchmarkReturnPct = 0
        }
        maxGrossExposurePct = 100 * a.maxGrossExposure
        totalFeesPaid = a.feesPaid
        maxDrawdownPct = 100 * a.maxDrawdown
        let activeBars = a.inDrawdown ? series.count - 1 - a.peakIndex : 0
        maxDrawdownDurationSeconds = Double(max(a.maxDrawdownBars, activeBars)) * settings.barSeconds
        totalTrades = a.totalTrades
        totalClosedTrades = a.closedTrades
        totalOpenTrades = a.totalTrades - a.closedTrades
        openTradePnl = a.openTradePnl
        let closed = Double(a.closedTrades)
        if a.closedTrades > 0 {
            winRatePct = 100 * Double(a.winningTrades) / closed
            bestTradePct = 100 * a.bestReturn
            worstTradePct = 100 * a.worstReturn
            expectancy = a.sumPnl / closed
        }
        if a.winningTrades > 0 {
            avgWinningTradePct = 100 * a.sumWinningReturns / Double(a.winningTrades)
            avgWinningTradeDurationSeconds = Double(a.winningBars) / Double(a.winningTrades) * settings.barSeconds
        }
        if a.losingTrades > 0 {
            avgLosingTradePct = 100 * a.sumLosingReturns / Double(a.losingTrades)
            avgLosingTradeDurationSeconds = Double(a.losingBars) / Double(a.losingTrades) * settings.barSeconds
        }
        if a.closedTrades > 0 {
            if a.grossLoss < 0 {
                profitFactor = a.grossProfit / -a.grossLoss
            } else if a.grossProfit > 0 {
                notes["profit_factor"] = "infinite: no losing trade"
            }
        }
        let mean = a.sumReturns / n
        let variance = n > 1 ? (a.sumSquares - a.sumReturns * a.sumReturns / n) / (n - 1) : 0
        if variance > 0 {
            sharpeRatio = mean / variance.squareRoot() * annualization.squareRoot()
        }
        let downside = (a.sumDownsideSquares / n).squareRoot() * annualization.squareRoot()
        if downside > 0 {
            sortinoRatio = mean * annualization / downside
        } else if mean > 0 {
            notes["sortino_ratio"] = "infinite: no negative return"
        }
        if a.sumLosses < 0 {
            omegaRatio = a.sumGains / -a.sumLosses
        } else if a.sumGains > 0 {
            notes["omega_ratio"] = "infinite: no negative return"
        }
        if totalReturn > -1 {
            let annualized = pow(1 + totalReturn, annualization / n) - 1
            cagrPct = 100 * annualized
            if a.maxDrawdown > 0 {
                calmarRatio = annualized / a.maxDrawdown
            } else if annualized > 0 {
                notes["calmar_ratio"] = "infinite: no drawdown"
            }
        }
        exposureTimePct = 100 * Double(a.exposureBars) / n
    }
}
