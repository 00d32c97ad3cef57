/// Bars held as consecutive parts (a streamed CSV's chunks, each parsed into its own columns),
/// read as one series without first joining them into one set of arrays: storing a dataset
/// only encodes its bars block by block, so the join (a copy of every bar, and as much memory
/// again) is not needed.
public struct SeriesParts: Sendable {
    /// The parts that hold bars, in order.
    public let parts: [OHLCVSeries]
    /// Row where each part starts, then the total.
    let starts: [Int]
    /// The stored blob's blocks, coded while the parts were parsed (`CSVStreamReader.codeBlocks`),
    /// when every part but the last holds whole blocks; else nil (the coder codes them).
    public let codedBlocks: [[UInt8]]?

    public init(_ parts: [OHLCVSeries], codedBlocks: [[UInt8]]? = nil) {
        self.codedBlocks = codedBlocks
        self.parts = parts.filter { $0.count > 0 }
        var starts = [0]
        for part in self.parts { starts.append(starts[starts.count - 1] + part.count) }
        self.starts = starts
    }

    public var count: Int { starts[starts.count - 1] }
    public var firstTimestamp: Int64? { parts.first?.timestamps.first }
    public var lastTimestamp: Int64? { parts.last?.timestamps.last }

    /// The part holding row `row` (`0 <= row < count`).
    func part(holding row: Int) -> Int {
        var (low, high) = (0, parts.count - 1)
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= row { low = middle } else { high = middle - 1 }
        }
        return low
    }

    public func timestamp(_ row: Int) -> Int64 {
        let index = part(holding: row)
        return parts[index].timestamps[row - starts[index]]
    }

    /// Rows `range` as a series and the range of it that holds them: a part itself when one
    /// part holds them all, else a copy of just those rows.
    public func rows(_ range: Range<Int>) -> (OHLCVSeries, Range<Int>) {
        guard !range.isEmpty else { return (OHLCVSeries.none, 0..<0) }
        let first = part(holding: range.lowerBound)
        let start = starts[first]
        if range.upperBound <= starts[first + 1] {
            return (parts[first], range.lowerBound - start..<range.upperBound - start)
        }
        var gathered = OHLCVSeries.none
        gathered.reserveCapacity(range.count)
        var row = range.lowerBound
        var index = first
        while row < range.upperBound {
            let local = row - starts[index]..<min(range.upperBound, starts[index + 1]) - starts[index]
            gathered.append(parts[index], local)
            row += local.count
            index += 1
        }
        return (gathered, 0..<range.count)
    }

    /// All the bars in one series (a copy).
    public func joined() -> OHLCVSeries {
        parts.count == 1 ? parts[0] : rows(0..<count).0
    }

    /// `OHLCVSeries.medianStepSeconds` of the joined bars, from the timestamps alone.
    public var medianStepSeconds: Double {
        guard count > 1 else { return 0 }
        var steps: [Int64] = []
        steps.reserveCapacity(count - 1)
        var previous: Int64?
        for part in parts {
            for timestamp in part.timestamps {
                if let previous {
                    // Rows increase, so only an overflow could make a step negative: saturated.
                    let (step, overflow) = timestamp.subtractingReportingOverflow(previous)
                    steps.append(overflow ? .max : step)
                }
                previous = timestamp
            }
        }
        steps.sort()
        return Double(steps[steps.count / 2]) / 1000
    }
}

extension OHLCVSeries {
    static let none = OHLCVSeries(timestamps: [], open: [], high: [], low: [], close: [], volume: [])

    mutating func reserveCapacity(_ rows: Int) {
        timestamps.reserveCapacity(rows)
        open.reserveCapacity(rows)
        high.reserveCapacity(rows)
        low.reserveCapacity(rows)
        close.reserveCapacity(rows)
        volume.reserveCapacity(rows)
    }

    /// Appends rows `range` of `other`.
    mutating func append(_ other: OHLCVSeries, _ range: Range<Int>) {
        timestamps.append(contentsOf: other.timestamps[range])
        open.append(contentsOf: other.open[range])
        high.append(contentsOf: other.high[range])
        low.append(contentsOf: other.low[range])
        close.append(contentsOf: other.close[range])
        volume.append(contentsOf: other.volume[range])
    }
}
