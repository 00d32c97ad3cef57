/// The fast path of `VariantSimulator`: runs of bars where nothing can happen but a drawdown
/// update, checked four at a time with the same IEEE comparisons as bar by bar.
extension VariantSimulator {
    /// Walks bars while nothing can happen but a drawdown update: flat, or a fully invested
    /// long between fills. Returns the first bar that needs `step` (a new signal, a bar that
    /// may touch a stop level, or `end`).
    @inline(__always) mutating func scan(
        from start: Int, to end: Int, close: UnsafeBufferPointer<Double>, fast: UnsafeBufferPointer<Double>,
        slow: UnsafeBufferPointer<Double>, base: Int, data: PreparedSeries
    ) -> Int {
        var above = previousAbove
        var below = previousBelow
        var t = start
        if position == 0 {
            scanning: while t < end {
                // Four bars at once while neither comparison changes (so no new signal); then
                // bar by bar through the four that hold a change.
                while t + 4 <= end && steady(t - base, above, below, fast: fast, slow: slow) { t += 4 }
                let stop = min(end, t + 4)
                while t < stop {
                    let f = fast[t - base]
                    let s = slow[t - base]
                    let nowAbove = f > s * upper
                    let nowBelow = f < s * lower
                    if (nowAbove && !above) || (nowBelow && !below) { break scanning }
                    above = nowAbove
                    below = nowBelow
                    t += 1
                }
            }
        } else {
            var peak = peakPrice
            var floor = drawdownPrice
            var inDrawdown = accumulator.inDrawdown
            let (stopPrice, profitPrice) = (segmentStopPrice, segmentProfitPrice)
            let series = data.series
            scanning: while t < end {
                // Four bars at once while no comparison changes, every price is below the peak
                // and not below the floor, and no bar reaches a stop level: each such bar only
                // marks the drawdown.
                while t + 4 <= end && steady(t - base, above, below, fast: fast, slow: slow)
                    && quiet(close, t, peak: peak, floor: floor)
                    && (!hasStops || clearOfStops(series, t, count: 4, stop: stopPrice, profit: profitPrice))
                {
                    inDrawdown = true
                    t += 4
                }
                let stop = min(end, t + 4)
                while t < stop {
                    let f = fast[t - base]
                    let s = slow[t - base]
                    let nowAbove = f > s * upper
                    let nowBelow = f < s * lower
                    if (nowAbove && !above) || (nowBelow && !below) { break scanning }
                    // A bar that may trigger a stop (its open, low or high at a level) goes through `step`.
                    if hasStops && !clearOfStops(series, t, count: 1, stop: stopPrice, profit: profitPrice) {
                        break scanning
                    }
                    above = nowAbove
                    below = nowBelow
                    let price = close[t]
                    if price >= peak {
                        let value = position * price
                        if value >= accumulator.peakValue {
                            accumulator.inDrawdown = inDrawdown
                            accumulator.newPeak(value, at: t)
                            inDrawdown = false
                            peak = price
                            floor = price * (1 - accumulator.maxDrawdown) * (1 + 1e-12)
                        } else {
                            inDrawdown = true
                        }
                    } else {
                        inDrawdown = true
                        if price < floor {
                            accumulator.deepen(value: position * price)
                            floor = accumulator.peakValue * (1 - accumulator.maxDrawdown) / position * (1 + 1e-12)
                        }
                    }
                    t += 1
                }
            }
            peakPrice = peak
            drawdownPrice = floor
            accumulator.inDrawdown = inDrawdown
        }
        previousAbove = above
        previousBelow = below
        return t
    }

    /// Whether none of bars `t..<t+count` may reach a stop: its open and low stay above the
    /// stop-loss level and its open and high below the take-profit level.
    @inline(__always) private func clearOfStops(
        _ series: OHLCVSeries, _ t: Int, count: Int, stop: Double, profit: Double
    ) -> Bool {
        for i in t..<(t + count)
        where min(series.open[i], series.low[i]) <= stop || max(series.open[i], series.high[i]) >= profit {
            return false
        }
        return true
    }

    /// Whether both comparisons of rows `i…i+3` equal the last bar's (`above`, `below`): no
    /// new signal among them. The same IEEE products and comparisons as bar by bar, four lanes
    /// at a time.
    @inline(__always) private func steady(
        _ i: Int, _ above: Bool, _ below: Bool, fast: UnsafeBufferPointer<Double>, slow: UnsafeBufferPointer<Double>
    ) -> Bool {
        guard let fastBase = fast.baseAddress, let slowBase = slow.baseAddress else { return false }
        let f = UnsafeRawPointer(fastBase + i).loadUnaligned(as: SIMD4<Double>.self)
        let s = UnsafeRawPointer(slowBase + i).loadUnaligned(as: SIMD4<Double>.self)
        return (f .> s * upper) == SIMDMask(repeating: above) && (f .< s * lower) == SIMDMask(repeating: below)
    }

    /// Whether the closes of bars `t…t+3` are all below `peak` and none below `floor`.
    @inline(__always) private func quiet(_ close: UnsafeBufferPointer<Double>, _ t: Int, peak: Double, floor: Double)
        -> Bool
    {
        guard let base = close.baseAddress else { return false }
        let prices = UnsafeRawPointer(base + t).loadUnaligned(as: SIMD4<Double>.self)
        return all(prices .< peak) && !any(prices .< floor)
    }
}
