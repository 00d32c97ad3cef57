/// Bars as a struct of arrays; timestamps are epoch milliseconds, strictly increasing.
public struct OHLCVSeries: Sendable, Equatable {
    public var timestamps: [Int64]
    public var open: [Double]
    public var high: [Double]
    public var low: [Double]
    public var close: [Double]
    public var volume: [Double]

    public init(timestamps: [Int64], open: [Double], high: [Double], low: [Double], close: [Double], volume: [Double]) {
        self.timestamps = timestamps
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }

    public var count: Int { close.count }

    /// The bars with `from <= timestamp <= to` (either bound optional).
    public func slice(fromMilliseconds: Int64?, toMilliseconds: Int64?) -> OHLCVSeries {
        let bars = indices(fromMilliseconds: fromMilliseconds, toMilliseconds: toMilliseconds)
        let (lower, upper) = (bars.lowerBound, bars.upperBound)
        guard lower < upper else {
            return OHLCVSeries(timestamps: [], open: [], high: [], low: [], close: [], volume: [])
        }
        return OHLCVSeries(
            timestamps: Array(timestamps[lower..<upper]), open: Array(open[lower..<upper]),
            high: Array(high[lower..<upper]), low: Array(low[lower..<upper]), close: Array(close[lower..<upper]),
            volume: Array(volume[lower..<upper]))
    }

    /// The bars `range` (which must lie within the series).
    public func bars(_ range: Range<Int>) -> OHLCVSeries {
        OHLCVSeries(
            timestamps: Array(timestamps[range]), open: Array(open[range]), high: Array(high[range]),
            low: Array(low[range]), close: Array(close[range]), volume: Array(volume[range]))
    }

    /// The bar indices with `from <= timestamp <= to` (empty when none).
    func indices(fromMilliseconds: Int64?, toMilliseconds: Int64?) -> Range<Int> {
        let lower = fromMilliseconds.map { bound in timestamps.firstIndex { $0 >= bound } ?? count } ?? 0
        let upper = toMilliseconds.map { bound in (timestamps.lastIndex { $0 <= bound } ?? -1) + 1 } ?? count
        return lower < upper ? lower..<upper : lower..<lower
    }

    /// The median step between timestamps, in seconds (0 with fewer than two bars).
    public var medianStepSeconds: Double {
        guard count > 1 else { return 0 }
        var steps = (1..<count).map { timestamps[$0] - timestamps[$0 - 1] }
        steps.sort()
        return Double(steps[steps.count / 2]) / 1000
    }
}
