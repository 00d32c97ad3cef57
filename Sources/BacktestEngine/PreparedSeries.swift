/// A series with what every variant shares: the prefix sums behind the SMAs and behind the
/// per-bar returns of a fully invested long position. Immutable once built.
public final class PreparedSeries: Sendable {
    public let series: OHLCVSeries
    /// `closeSums[t + 1] = close[0] + … + close[t]`, `closeSums[0] = 0` (ENGINE.md's S, shifted by one).
    let closeSums: [Double]
    /// Prefix sums over `q[t] = close[t]/close[t-1] − 1` (q[0] = 0): Σq, Σq², Σmin(q,0)², Σmax(q,0), Σmin(q,0).
    let returnSums: [[Double]]

    public init(_ series: OHLCVSeries) {
        self.series = series
        let n = series.count
        var sums = [Double](repeating: 0, count: n + 1)
        var running = 0.0
        for t in 0..<n {
            running += series.close[t]
            sums[t + 1] = running
        }
        closeSums = sums
        var prefixes = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: 5)
        var accumulators = [Double](repeating: 0, count: 5)
        for t in 0..<n {
            let q = t == 0 ? 0 : series.close[t] / series.close[t - 1] - 1
            accumulators[0] += q
            accumulators[1] += q * q
            accumulators[2] += q < 0 ? q * q : 0
            accumulators[3] += q > 0 ? q : 0
            accumulators[4] += q < 0 ? q : 0
            for k in 0..<5 { prefixes[k][t + 1] = accumulators[k] }
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
