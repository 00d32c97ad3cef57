/// SMA rows for a set of windows over a range of bars, computed in parallel and then
/// read-only. Row `w` holds `SMA_w[t]` at offset `t − range.lowerBound`.
///
/// `@unchecked Sendable`: the storage is written only inside `init` (each thread its own
/// rows) and only read afterwards; it is freed in `deinit`, after every reader is done.
final class SMATable: @unchecked Sendable {
    let range: Range<Int>
    private let rowOf: [Int: Int]
    private let storage: UnsafeMutableBufferPointer<Double>

    init(windows: [Int], data: PreparedSeries, range: Range<Int>, workers: Int, executor: any ParallelExecutor) {
        self.range = range
        var rows: [Int: Int] = [:]
        for (index, window) in windows.enumerated() { rows[window] = index }
        rowOf = rows
        let length = range.count
        storage = .allocate(capacity: max(1, windows.count * length))
        let shared = DisjointBuffer(storage)
        let parts = max(1, min(workers, windows.count))
        executor.forEach(parts) { part in
            for index in (windows.count * part / parts)..<(windows.count * (part + 1) / parts) {
                let row = shared.base + index * length
                let window = windows[index]
                for t in range { row[t - range.lowerBound] = data.sma(window: window, at: t) }
            }
        }
    }

    deinit { storage.deallocate() }

    /// The row of `window` (which must be one of the table's windows).
    func row(_ window: Int) -> UnsafeBufferPointer<Double> {
        let index = rowOf[window] ?? 0
        return UnsafeBufferPointer(rebasing: storage[(index * range.count)..<((index + 1) * range.count)])
    }
}
