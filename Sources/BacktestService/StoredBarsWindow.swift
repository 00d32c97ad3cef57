import BacktestEngine
import Catalog

/// A time window of a stored dataset read straight from its bars blob (`BarsCodec` layout:
/// count, timestamps, then open, high, low, close, volume as whole columns). Finding the window
/// costs two binary searches of single-word reads and reading it costs only the bars returned,
/// so `GET /datasets/{id}/candles` on a 5 M-bar dataset does not decode 240 MB to answer 1,000 bars.
struct StoredBarsWindow {
    let reader: BlobReader
    let count: Int

    /// nil for a blob whose length disagrees with its count (damaged: never trusted).
    init?(_ reader: BlobReader) throws {
        guard let stored = try reader.word(0), stored <= UInt64(max(0, reader.byteCount - 8) / BarsCodec.bytesPerBar),
            Int(stored) * BarsCodec.bytesPerBar == reader.byteCount - 8
        else { return nil }
        self.reader = reader
        count = Int(stored)
    }

    private func timestamp(_ index: Int) throws -> Int64 {
        guard let word = try reader.word(1 + index) else { throw DamagedBlob() }
        return Int64(bitPattern: word)
    }

    /// The first bar index whose timestamp satisfies `isAfter` (timestamps strictly increase).
    private func partition(_ isAfter: (Int64) -> Bool) throws -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = low + (high - low) / 2
            if try isAfter(timestamp(middle)) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The bar indices with `from ≤ t ≤ to`.
    func indices(from: Int64?, to: Int64?) throws -> Range<Int> {
        let lower = try from.map { bound in try partition { $0 >= bound } } ?? 0
        let upper = try to.map { bound in try partition { $0 > bound } } ?? count
        return lower < upper ? lower..<upper : lower..<lower
    }

    /// The bars `range` (clamped to the dataset).
    func bars(_ range: Range<Int>) throws -> OHLCVSeries {
        let lower = min(max(range.lowerBound, 0), count)
        let length = min(max(range.upperBound, lower), count) - lower
        func column(_ number: Int) throws -> [UInt64] {
            guard let words = try reader.words(from: 1 + number * count + lower, count: length) else {
                throw DamagedBlob()
            }
            return words
        }
        let prices = { (number: Int) throws -> [Double] in try column(number).map(Double.init(bitPattern:)) }
        return OHLCVSeries(
            timestamps: try column(0).map(Int64.init(bitPattern:)), open: try prices(1), high: try prices(2),
            low: try prices(3), close: try prices(4), volume: try prices(5))
    }
}

/// A bars blob shorter than its count says.
struct DamagedBlob: Error {}
