/// The reader's six output columns while chunks fill them in parallel.
///
/// `@unchecked Sendable`: chunk `i` writes only rows `[rowOffset(i), rowOffset(i + 1))`, the
/// stitch reads and moves rows only after every chunk has finished, and the memory is freed
/// only by `series(count:)` / `deallocate()` after that. Elements are trivial, so rows are
/// written into the uninitialized allocation directly.
struct CSVColumns: @unchecked Sendable {
    let timestamps: UnsafeMutablePointer<Int64>
    let open: UnsafeMutablePointer<Double>
    let high: UnsafeMutablePointer<Double>
    let low: UnsafeMutablePointer<Double>
    let close: UnsafeMutablePointer<Double>
    let volume: UnsafeMutablePointer<Double>

    init(capacity: Int) {
        let rows = max(1, capacity)
        timestamps = .allocate(capacity: rows)
        open = .allocate(capacity: rows)
        high = .allocate(capacity: rows)
        low = .allocate(capacity: rows)
        close = .allocate(capacity: rows)
        volume = .allocate(capacity: rows)
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
    /// or an empty chunk leaves between chunks).
    func moveRows(from source: Int, to target: Int, count: Int) {
        guard source != target, count > 0 else { return }
        (timestamps + target).update(from: timestamps + source, count: count)
        for column in [open, high, low, close, volume] { (column + target).update(from: column + source, count: count) }
    }

    /// The first `count` rows as a series; frees each column as soon as it is copied, so the
    /// peak stays near one copy of the bars.
    func series(count: Int) -> OHLCVSeries {
        func take<T>(_ column: UnsafeMutablePointer<T>) -> [T] {
            defer { column.deallocate() }
            return Array(UnsafeBufferPointer(start: column, count: count))
        }
        return OHLCVSeries(
            timestamps: take(timestamps), open: take(open), high: take(high), low: take(low), close: take(close),
            volume: take(volume))
    }

    func deallocate() {
        timestamps.deallocate()
        for column in [open, high, low, close, volume] { column.deallocate() }
    }
}
