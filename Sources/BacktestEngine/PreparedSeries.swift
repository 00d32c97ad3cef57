/// A series with what every variant shares: the prefix sums behind the SMAs and behind the
/// per-bar returns of a fully invested long position. Immutable once built.
public final class PreparedSeries: Sendable {
    public let series: OHLCVSeries
    /// `closeSums[t + 1] = close[0] + … + close[t]`, `closeSums[0] = 0` (ENGINE.md's S, shifted by one).
    let closeSums: [Double]
    /// Prefix sums over `q[t] = close[t]/close[t-1] − 1` (q[0] = 0), `returnSums[t + 1]` through
    /// bar `t`. The five sums of a bar sit together: a segment's end reads two entries, not ten
    /// scattered arrays (with many short trades these reads were a tenth of a grid's time).
    let returnSums: [ReturnSums]

    public init(_ series: OHLCVSeries) {
        self.series = series
        let n = series.count
        var sums = [Double](repeating: 0, count: n + 1)
        var total = 0.0
        for t in 0..<n {
            total += series.close[t]
            sums[t + 1] = total
        }
        closeSums = sums
        var prefixes = [ReturnSums](repeating: ReturnSums(), count: n + 1)
        var running = ReturnSums()
        for t in 0..<n {
            let q = t == 0 ? 0 : series.close[t] / series.close[t - 1] - 1
            running.returns += q
            running.squares += q * q
            running.downsideSquares += q < 0 ? q * q : 0
            running.gains += q > 0 ? q : 0
            running.losses += q < 0 ? q : 0
            prefixes[t + 1] = running
        }
        returnSums = prefixes
    }

    public var count: Int { series.count }

    /// `SMA_w[t] = (S[t] − S[t−w]) / w` for `t ≥ w − 1`, NaN before — exactly vectorbt's arithmetic.
    @inline(__always) func sma(window: Int, at t: Int) -> Double {
        guard t >= window - 1 else { return .nan }
        return (closeSums[t + 1] - closeSums[t + 1 - window]) / Double(window)
    }

    /// The whole SMA series for one window.
    public func sma(window: Int) -> [Double] {
        (0..<count).map { sma(window: window, at: $0) }
    }
}

/// Running sums of a fully invested long's per-bar returns `q` up to some bar: Σq, Σq²,
/// Σmin(q,0)², Σmax(q,0), Σmin(q,0).
struct ReturnSums {
    var returns = 0.0
    var squares = 0.0
    var downsideSquares = 0.0
    var gains = 0.0
    var losses = 0.0
}
