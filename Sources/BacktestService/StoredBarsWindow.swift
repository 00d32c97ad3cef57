import BacktestEngine
import Catalog

/// A time window of a stored dataset read straight from its bars blob, in either layout
/// (`BarsCodec`). Finding the window and reading it cost only what it returns: in the first
/// layout, two binary searches of single-word reads and the returned rows of each column; in
/// the compact one, a binary search of the block index and the decoding of the blocks touched
/// (`BlockedBarsWindow`). So `GET /datasets/{id}/candles` on a 5 M-bar dataset does not decode
/// the whole dataset to answer 1,000 bars.
struct StoredBarsWindow {
    private enum Layout {
        case raw(RawBarsWindow)
        case blocks(BlockedBarsWindow)
    }
    private let layout: Layout

    var count: Int {
        switch layout {
        case .raw(let window): window.count
        case .blocks(let window): window.layout.count
        }
    }

    /// nil for a blob whose header disagrees with its size (damaged: never trusted).
    init?(_ reader: BlobReader) throws {
        guard let head = try reader.bytes(from: 0, count: min(reader.byteCount, BarBlocks.headerBytes)) else {
            return nil
        }
        let compact = head.withUnsafeBytes { BarBlocks.isCompact($0) }
        if compact {
            guard let window = try BlockedBarsWindow(reader, head: head) else { return nil }
            layout = .blocks(window)
        } else {
            guard let window = try RawBarsWindow(reader) else { return nil }
            layout = .raw(window)
        }
    }

    /// The bar indices with `from ≤ t ≤ to`.
    func indices(from: Int64?, to: Int64?) throws -> Range<Int> {
        let partition: ((Int64) -> Bool) throws -> Int
        switch layout {
        case .raw(let window): partition = window.partition
        case .blocks(let window): partition = window.partition
        }
        let lower = try from.map { bound in try partition { $0 >= bound } } ?? 0
        let upper = try to.map { bound in try partition { $0 > bound } } ?? count
        return lower < upper ? lower..<upper : lower..<lower
    }

    /// The bars `range` (clamped to the dataset).
    func bars(_ range: Range<Int>) throws -> OHLCVSeries {
        let lower = min(max(range.lowerBound, 0), count)
        let clamped = lower..<min(max(range.upperBound, lower), count)
        switch layout {
        case .raw(let window): return try window.bars(clamped)
        case .blocks(let window): return try window.bars(clamped)
        }
    }
}

/// The first layout: count, then whole columns of eight-byte words.
struct RawBarsWindow {
    let reader: BlobReader
    let count: Int

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
    func partition(_ isAfter: (Int64) -> Bool) throws -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = low + (high - low) / 2
            if try isAfter(timestamp(middle)) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The bars `range` (inside the dataset).
    func bars(_ range: Range<Int>) throws -> OHLCVSeries {
        func column(_ number: Int) throws -> [UInt64] {
            guard let words = try reader.words(from: 1 + number * count + range.lowerBound, count: range.count) else {
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
