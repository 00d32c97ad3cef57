#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Seeded synthetic data for benchmarks and property tests.
public enum SyntheticSeries {
    /// A geometric random walk of `bars` hourly bars from 100, with consistent OHLC.
    public static func randomWalk(bars: Int, seed: UInt64) -> OHLCVSeries {
        var generator = SeededGenerator(seed: seed, stream: 7)
        var timestamps = [Int64](repeating: 0, count: bars)
        var open = [Double](repeating: 0, count: bars)
        var high = [Double](repeating: 0, count: bars)
        var low = [Double](repeating: 0, count: bars)
        var close = [Double](repeating: 0, count: bars)
        var volume = [Double](repeating: 0, count: bars)
        var price = 100.0
        for t in 0..<bars {
            let previous = price
            price *= exp(0.01 * generator.nextGaussian())
            timestamps[t] = 1_500_000_000_000 + Int64(t) * 3_600_000
            open[t] = previous
            close[t] = price
            high[t] = max(previous, price) * (1 + 0.002 * generator.nextUnit())
            low[t] = min(previous, price) * (1 - 0.002 * generator.nextUnit())
            volume[t] = Double(1000 + generator.nextIndex(below: 9000))
        }
        return OHLCVSeries(timestamps: timestamps, open: open, high: high, low: low, close: close, volume: volume)
    }
}
