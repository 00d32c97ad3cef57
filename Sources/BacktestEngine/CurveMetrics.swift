/// Metrics of recorded equity curves laid end to end (the walk-forward's out-of-sample slices).
///
/// Each piece is one simulation that started flat with the initial cash. Pieces compound: a
/// piece's values are scaled by the stitched value where the previous piece ended divided by
/// the initial cash, and so are its trades' money amounts (their returns are unchanged). The
/// bars are visited as the simulator visits them — every bar holding a position or filling,
/// never a flat bar without a fill — so one piece gives its simulation's own metrics (return
/// moments agree to rounding: the simulator sums a fully invested long's returns from prefix sums).
struct CurvePiece {
    /// Portfolio value after each bar's fills.
    var values: ArraySlice<Double>
    /// Signed position after each bar's fills (same bars).
    var positions: ArraySlice<Double>
    /// The piece's closes (same bars), for the gross exposure.
    var closes: ArraySlice<Double>
    /// Trades with bar indices relative to the piece's first bar; an open one has no exit bar.
    var trades: [TradeRecord]
}

enum CurveMetrics {
    /// The metrics of `pieces` stitched over `series` (their bars, in order) and the stitched values.
    static func stitch(_ pieces: [CurvePiece], series: OHLCVSeries, settings: BacktestSettings) -> (
        metrics: VariantMetrics, values: [Double]
    ) {
        let initial = settings.execution.initialCash
        var accumulator = MetricsAccumulator(initialCash: initial)
        var stitched: [Double] = []
        stitched.reserveCapacity(series.count)
        var previousValue = initial
        var scale = 1.0
        for piece in pieces {
            let offset = stitched.count
            var previousPosition = 0.0
            for i in 0..<piece.values.count {
                let raw = piece.values[piece.values.startIndex + i]
                let position = piece.positions[piece.positions.startIndex + i]
                let value = raw * scale
                if position != 0 || previousPosition != 0 {
                    accumulator.addBar(offset + i, value: value, previousValue: previousValue)
                    if position != 0 {
                        let close = piece.closes[piece.closes.startIndex + i]
                        accumulator.exposureBars += 1
                        accumulator.maxGrossExposure = max(accumulator.maxGrossExposure, abs(position) * close / raw)
                    }
                }
                previousValue = value
                previousPosition = position
                stitched.append(value)
            }
            for trade in piece.trades {
                accumulator.totalTrades += 1
                accumulator.feesPaid += trade.fees * scale
                accumulator.borrowPaid += trade.borrow * scale
                if let exit = trade.exitBar {
                    accumulator.addClosedTrade(
                        pnl: trade.pnl * scale, returnFraction: trade.returnFraction, bars: exit - trade.entryBar)
                } else {
                    accumulator.openTradePnl += trade.pnl * scale
                }
            }
            if let last = stitched.last, initial > 0 { scale = last / initial }
        }
        let metrics = accumulator.metrics(finalValue: stitched.last ?? initial, series: series, settings: settings)
        return (metrics, stitched)
    }
}
