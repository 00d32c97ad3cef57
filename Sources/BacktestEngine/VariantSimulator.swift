/// The state of one variant moving through the bars: signals, fills, cash, value, drawdown,
/// return moments and trade statistics, O(1) memory (ENGINE.md, "Speed, by design").
///
/// Bars are fed in order, possibly in several `advance` calls (the grid runner walks the
/// series in blocks so that SMA rows stay in cache).
struct VariantSimulator {
    enum Action: UInt8 { case entry, exit }

    let parameters: DualSMAParameters
    let settings: BacktestSettings
    // Derived constants.
    let upper: Double
    let lower: Double
    private let warmup: Int
    private let actLag: Int
    private let openNext: Bool
    private let feeRate: Double
    private let commission: Double
    private let slippage: Double
    private let borrowPerBar: Double
    private let exposureFraction: Double
    private let allIn: Bool
    private let stopLoss: Double?
    private let takeProfit: Double?
    /// A fully invested long with no per-bar costs can skip the per-bar arithmetic between fills
    /// (with stops too: the scan stops at a bar whose range reaches a level, and `step` fills it).
    private let segmentEligible: Bool
    let hasStops: Bool

    // Signals.
    var previousAbove = false
    var previousBelow = false
    private var pending: [(bar: Int, action: Action)] = []
    private var pendingHead = 0

    // Portfolio.
    var accumulator: MetricsAccumulator
    private var cash: Double
    var position = 0.0
    private var previousValue: Double
    private var entryBar = 0
    private var entryPrice = 0.0
    private var entryFee = 0.0
    private var borrowAccrued = 0.0
    private var segmentStart = -1
    var peakPrice = 0.0
    var drawdownPrice = 0.0
    // The levels of the segment's long position (±infinity without one), as `checkStops` computes them.
    var segmentStopPrice = -Double.infinity
    var segmentProfitPrice = Double.infinity

    init(parameters: DualSMAParameters, settings: BacktestSettings) {
        self.parameters = parameters
        self.settings = settings
        let band = parameters.thresholdBp / 10_000
        upper = 1 + band
        lower = 1 - band
        // Signals from bar `warmupBars` on: the crossover there still compares with the bar before.
        warmup = max(parameters.fast, parameters.slow, settings.warmupBars)
        openNext = settings.execution.fillPrice == .openNext
        actLag = parameters.delayBars + (openNext ? 1 : 0)
        feeRate = settings.execution.feeBps / 10_000
        commission = settings.execution.commissionPerShare
        slippage = settings.execution.slippageBps / 10_000
        borrowPerBar = settings.execution.borrowBps / 10_000 * settings.barSeconds / (365 * 86_400)
        exposureFraction = min(settings.risk.fraction, settings.risk.maxLeverage)
        allIn = exposureFraction == 1 && commission == 0
        stopLoss = settings.risk.stopLossPct.map { $0 / 100 }
        takeProfit = settings.risk.takeProfitPct.map { $0 / 100 }
        hasStops = stopLoss != nil || takeProfit != nil
        segmentEligible = allIn
        cash = settings.execution.initialCash
        previousValue = settings.execution.initialCash
        accumulator = MetricsAccumulator(initialCash: settings.execution.initialCash)
        accumulator.peakIndex = max(0, settings.warmupBars)
    }

    /// Feeds bars `range`; `fast[t - base]` and `slow[t - base]` are the SMAs at bar `t`.
    mutating func advance<R: SimulationRecorder>(
        data: PreparedSeries, range: Range<Int>, fast: UnsafeBufferPointer<Double>, slow: UnsafeBufferPointer<Double>,
        base: Int, recorder: inout R
    ) {
        let series = data.series
        let last = series.count - 1
        series.close.withUnsafeBufferPointer { close in
            var t = range.lowerBound
            while t < range.upperBound {
                // Flat bars cannot touch a stop, so they are scanned with stops too; a position
                // with stops is checked bar by bar (segments are only for positions without stops).
                if !R.recordsBars && t >= warmup && (position == 0 || segmentStart >= 0) {
                    var end = range.upperBound
                    if pendingHead < pending.count { end = min(end, pending[pendingHead].bar) }
                    t = scan(from: t, to: end, close: close, fast: fast, slow: slow, base: base, data: data)
                    if t >= range.upperBound { break }
                }
                step(t, close: close, fast: fast, slow: slow, base: base, last: last, data: data, recorder: &recorder)
                t += 1
            }
        }
    }

    /// One bar through the general path: signals, stops, fills, costs and explicit valuation.
    @inline(__always) private mutating func step<R: SimulationRecorder>(
        _ t: Int, close: UnsafeBufferPointer<Double>, fast: UnsafeBufferPointer<Double>,
        slow: UnsafeBufferPointer<Double>,
        base: Int, last: Int, data: PreparedSeries, recorder: inout R
    ) {
        let series = data.series
        if t >= warmup - 1 {
            let f = fast[t - base]
            let s = slow[t - base]
            let above = f > s * upper
            let below = f < s * lower
            if t >= warmup {
                if above && !previousAbove { schedule(.entry, signalBar: t, last: last) }
                if below && !previousBelow { schedule(.exit, signalBar: t, last: last) }
            }
            previousAbove = above
            previousBelow = below
        }
        var acted = false
        let action = takeAction(at: t)
        if openNext {
            if let action { acted = perform(action, at: t, price: series.open[t], data: data, recorder: &recorder) }
            if position != 0 && hasStops { acted = checkStops(at: t, data: data, recorder: &recorder) || acted }
        } else {
            if position != 0 && hasStops { acted = checkStops(at: t, data: data, recorder: &recorder) }
            if let action { acted = perform(action, at: t, price: close[t], data: data, recorder: &recorder) || acted }
        }
        if position == 0 && !acted {
            if R.recordsBars { recorder.bar(t, value: cash, position: 0) }
            return
        }
        let price = close[t]
        if segmentStart >= 0 && !acted && !R.recordsBars {
            trackSegmentBar(t, price: price)
            return
        }
        if position < 0 && borrowPerBar > 0 {
            let charge = borrowPerBar * -position * price
            cash -= charge
            borrowAccrued += charge
            accumulator.borrowPaid += charge
        }
        let value = cash + position * price
        accumulator.addBar(t, value: value, previousValue: previousValue)
        if position != 0 {
            accumulator.exposureBars += 1
            accumulator.maxGrossExposure = max(accumulator.maxGrossExposure, abs(position) * price / value)
        }
        previousValue = value
        if R.recordsBars { recorder.bar(t, value: value, position: position) }
        if segmentEligible && position > 0 && cash == 0 && !R.recordsBars { beginSegment(at: t + 1) }
    }

    // MARK: signals

    private mutating func schedule(_ action: Action, signalBar: Int, last: Int) {
        let bar = signalBar + actLag
        guard bar <= last else { return }
        pending.append((bar, action))
    }

    private mutating func takeAction(at t: Int) -> Action? {
        guard pendingHead < pending.count, pending[pendingHead].bar == t else { return nil }
        let action = pending[pendingHead].action
        pendingHead += 1
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        }
        return action
    }

    /// Applies a signal; true when a fill happened.
    private mutating func perform<R: SimulationRecorder>(
        _ action: Action, at t: Int, price: Double, data: PreparedSeries, recorder: inout R
    ) -> Bool {
        switch action {
        case .entry:
            if position > 0 { return false }
            endSegment(at: t, data: data)
            if position < 0 { close(at: t, rawPrice: price, reason: .signal, recorder: &recorder) }
            open(long: true, at: t, rawPrice: price)
            return true
        case .exit:
            if position > 0 {
                endSegment(at: t, data: data)
                close(at: t, rawPrice: price, reason: .signal, recorder: &recorder)
                if !parameters.longOnly { open(long: false, at: t, rawPrice: price) }
                return true
            }
            if position == 0 && !parameters.longOnly {
                open(long: false, at: t, rawPrice: price)
                return true
            }
            return false
        }
    }

    /// Stop-loss and take-profit on bars after the entry bar; a gap fills at the open, and the
    /// stop wins when both levels are inside one bar.
    private mutating func checkStops<R: SimulationRecorder>(at t: Int, data: PreparedSeries, recorder: inout R) -> Bool
    {
        guard t > entryBar else { return false }
        let series = data.series
        let long = position > 0
        let open = series.open[t]
        let stopLevel = stopLoss.map { long ? entryPrice * (1 - $0) : entryPrice * (1 + $0) }
        let profitLevel = takeProfit.map { long ? entryPrice * (1 + $0) : entryPrice * (1 - $0) }
        var fill: (Double, TradeRecord.ExitReason)?
        if let stopLevel, long ? open <= stopLevel : open >= stopLevel {
            fill = (open, .stopLoss)
        } else if let profitLevel, long ? open >= profitLevel : open <= profitLevel {
            fill = (open, .takeProfit)
        } else if let stopLevel, long ? series.low[t] <= stopLevel : series.high[t] >= stopLevel {
            fill = (stopLevel, .stopLoss)
        } else if let profitLevel, long ? series.high[t] >= profitLevel : series.low[t] <= profitLevel {
            fill = (profitLevel, .takeProfit)
        }
        guard let (price, reason) = fill else { return false }
        endSegment(at: t, data: data)
        close(at: t, rawPrice: price, reason: reason, recorder: &recorder)
        return true
    }

    // MARK: fills

    private mutating func open(long: Bool, at t: Int, rawPrice: Double) {
        let fill = long ? rawPrice * (1 + slippage) : rawPrice * (1 - slippage)
        let equity = cash
        let size = exposureFraction * equity / (fill * (1 + feeRate) + commission)
        guard size > 0, size.isFinite else { return }
        let fee = feeRate * size * fill + commission * size
        if long {
            cash = allIn ? 0 : cash - (size * fill + fee)
        } else {
            cash += size * fill - fee
        }
        position = long ? size : -size
        entryBar = t
        entryPrice = fill
        entryFee = fee
        borrowAccrued = 0
        accumulator.feesPaid += fee
        accumulator.totalTrades += 1
    }

    private mutating func close<R: SimulationRecorder>(
        at t: Int, rawPrice: Double, reason: TradeRecord.ExitReason, recorder: inout R
    ) {
        let long = position > 0
        let size = abs(position)
        let fill = long ? rawPrice * (1 - slippage) : rawPrice * (1 + slippage)
        let fee = feeRate * size * fill + commission * size
        let gross = long ? size * (fill - entryPrice) : size * (entryPrice - fill)
        if long {
            cash += size * fill - fee
        } else {
            cash -= size * fill + fee
        }
        let pnl = gross - entryFee - fee - borrowAccrued
        let returnFraction = pnl / (size * entryPrice)
        accumulator.feesPaid += fee
        accumulator.addClosedTrade(pnl: pnl, returnFraction: returnFraction, bars: t - entryBar)
        if R.recordsBars {
            recorder.trade(
                TradeRecord(
                    side: long ? .long : .short, entryBar: entryBar, exitBar: t, size: size, entryPrice: entryPrice,
                    exitPrice: fill, fees: entryFee + fee, borrow: borrowAccrued, pnl: pnl,
                    returnFraction: returnFraction, exitReason: reason))
        }
        position = 0
    }

    // MARK: fully invested segments

    /// From bar `start` on, value is `position · close`: returns come from the shared prefix sums
    /// and only the drawdown is followed bar by bar, in price space.
    private mutating func beginSegment(at start: Int) {
        segmentStart = start
        segmentStopPrice = stopLoss.map { entryPrice * (1 - $0) } ?? -.infinity
        segmentProfitPrice = takeProfit.map { entryPrice * (1 + $0) } ?? .infinity
        // Slightly conservative thresholds; the exact test happens in value space.
        peakPrice = accumulator.peakValue / position * (1 - 1e-12)
        drawdownPrice = accumulator.peakValue * (1 - accumulator.maxDrawdown) / position * (1 + 1e-12)
    }

    @inline(__always) private mutating func trackSegmentBar(_ t: Int, price: Double) {
        if price >= peakPrice {
            let value = position * price
            if value >= accumulator.peakValue {
                accumulator.newPeak(value, at: t)
                peakPrice = price
                drawdownPrice = price * (1 - accumulator.maxDrawdown) * (1 + 1e-12)
            } else {
                accumulator.inDrawdown = true
            }
        } else {
            accumulator.inDrawdown = true
            if price < drawdownPrice {
                accumulator.deepen(value: position * price)
                drawdownPrice = accumulator.peakValue * (1 - accumulator.maxDrawdown) / position * (1 + 1e-12)
            }
        }
    }

    /// Adds the skipped bars `segmentStart ..< end` to the return moments and exposure.
    private mutating func endSegment(at end: Int, data: PreparedSeries) {
        guard segmentStart >= 0 else { return }
        if end > segmentStart {
            accumulator.addReturnSums(data.returnSums, from: segmentStart, through: end - 1)
            accumulator.exposureBars += end - segmentStart
            previousValue = position * data.series.close[end - 1]
        }
        segmentStart = -1
    }

    /// Closes the books after the last bar; an open position is marked to market, not closed.
    mutating func finish(data: PreparedSeries) -> VariantMetrics {
        let n = data.count
        endSegment(at: n, data: data)
        if position != 0, n > 0 {
            let last = data.series.close[n - 1]
            let size = abs(position)
            let gross = position > 0 ? size * (last - entryPrice) : size * (entryPrice - last)
            accumulator.openTradePnl = gross - entryFee - borrowAccrued
        }
        let finalValue = cash + position * (data.series.close.last ?? 0)
        return accumulator.metrics(finalValue: finalValue, series: data.series, settings: settings)
    }

    /// The open position as a trade record (for the trades list), if any.
    func openTrade(data: PreparedSeries) -> TradeRecord? {
        guard position != 0, let last = data.series.close.last else { return nil }
        let size = abs(position)
        let pnl = (position > 0 ? size * (last - entryPrice) : size * (entryPrice - last)) - entryFee - borrowAccrued
        return TradeRecord(
            side: position > 0 ? .long : .short, entryBar: entryBar, exitBar: nil, size: size, entryPrice: entryPrice,
            exitPrice: nil, fees: entryFee, borrow: borrowAccrued, pnl: pnl, returnFraction: pnl / (size * entryPrice),
            exitReason: .open)
    }
}
