/// The reader's six output columns while chunks fill them in parallel: the storage of the very
/// arrays the series ends up with, so rows are written once and never copied.
///
/// `@unchecked Sendable`: chunk `i` writes only rows `[rowOffset(i), rowOffset(i + 1))`, the
/// stitch reads and moves rows only after every chunk has finished, and all of it happens
/// inside `CSVColumns.filled`, while the arrays' storage is alive. Elements are trivial, so
/// rows are written into the uninitialized capacity directly.
struct CSVColumns: @unchecked Sendable {
    let timestamps: UnsafeMutableBufferPointer<Int64>
    let open: UnsafeMutableBufferPointer<Double>
    let high: UnsafeMutableBufferPointer<Double>
    let low: UnsafeMutableBufferPointer<Double>
    let close: UnsafeMutableBufferPointer<Double>
    let volume: UnsafeMutableBufferPointer<Double>

    /// A series whose columns have room for `capacity` rows, of which `fill` writes the first
    /// `n` and returns `n` (0 when the file is refused: the storage is then simply freed).
    static func filled(capacity: Int, _ fill: (CSVColumns) -> Int) -> OHLCVSeries {
        // Six nested allocations, one per column, so that each array adopts its storage as is.
        var rows = 0
        var open: [Double] = []
        var high: [Double] = []
        var low: [Double] = []
        var close: [Double] = []
        var volume: [Double] = []
        let timestamps = [Int64](unsafeUninitializedCapacity: capacity) { t, tCount in
            open = [Double](unsafeUninitializedCapacity: capacity) { o, oCount in
                high = [Double](unsafeUninitializedCapacity: capacity) { h, hCount in
                    low = [Double](unsafeUninitializedCapacity: capacity) { l, lCount in
                        close = [Double](unsafeUninitializedCapacity: capacity) { c, cCount in
                            volume = [Double](unsafeUninitializedCapacity: capacity) { v, vCount in
                                rows = min(
                                    capacity,
                                    fill(CSVColumns(timestamps: t, open: o, high: h, low: l, close: c, volume: v)))
                                vCount = rows
                            }
                            cCount = rows
                        }
                        lCount = rows
                    }
                    hCount = rows
                }
                oCount = rows
            }
            tCount = rows
        }
        return OHLCVSeries(timestamps: timestamps, open: open, high: high, low: low, close: close, volume: volume)
    }

    @inline(__always)
    func store(_ row: Int, _ timestamp: Int64, _ o: Double, _ h: Double, _ l: Double, _ c: Double, _ v: Double) {
        timestamps[row] = timestamp
        open[row] = o
        high[row] = h
        low[row] = l
        close[row] = c
        volume[row] = v
    }

    /// Moves `count` rows from `source` down to `target` (closing the gap a final empty line
    /// leaves when the chunks after it are empty). Front to back, so overlap is harmless.
    func moveRows(from source: Int, to target: Int, count: Int) {
        guard source > target else { return }
        for index in 0..<count {
            timestamps[target + index] = timestamps[source + index]
            open[target + index] = open[source + index]
            high[target + index] = high[source + index]
            low[target + index] = low[source + index]
            close[target + index] = close[source + index]
            volume[target + index] = volume[source + index]
        }
    }
}
