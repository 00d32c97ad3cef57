import BacktestEngine
import Catalog

/// A window of a compact (`BarBlocks`) bars blob: the index is read once (16 bytes a block),
/// then only the blocks holding the asked bars are read and decoded.
struct BlockedBarsWindow {
    let reader: BlobReader
    let layout: BarBlocks.Layout

    /// nil when the header or index disagrees with the blob's size.
    init?(_ reader: BlobReader, head: [UInt8]) throws {
        let byteCount = reader.byteCount
        guard let fields = head.withUnsafeBytes({ BarBlocks.header($0, byteCount: byteCount) }),
            let index = try reader.bytes(from: BarBlocks.headerBytes, count: fields.blocks * BarBlocks.indexEntryBytes),
            let layout = index.withUnsafeBytes({ BarBlocks.layout(fields, index: $0, byteCount: byteCount) })
        else { return nil }
        self.reader = reader
        self.layout = layout
    }

    /// The first bar index whose timestamp satisfies `isAfter` (timestamps strictly increase):
    /// the block is found in the index, the bar among that block's timestamps.
    func partition(_ isAfter: (Int64) -> Bool) throws -> Int {
        var low = 0
        var high = layout.blockCount
        while low < high {
            let middle = low + (high - low) / 2
            if isAfter(layout.firstTimestamps[middle]) { high = middle } else { low = middle + 1 }
        }
        guard low > 0 else { return 0 }
        let block = low - 1
        let timestamps = try decode(block, timestampsOnly: true).timestamps
        let inside = timestamps.firstIndex(where: isAfter) ?? timestamps.count
        return block * layout.blockBars + inside
    }

    /// The bars `range` (inside the dataset).
    func bars(_ range: Range<Int>) throws -> OHLCVSeries {
        guard !range.isEmpty else {
            return OHLCVSeries(timestamps: [], open: [], high: [], low: [], close: [], volume: [])
        }
        let firstBlock = range.lowerBound / layout.blockBars
        let lastBlock = (range.upperBound - 1) / layout.blockBars
        var result = OHLCVSeries(timestamps: [], open: [], high: [], low: [], close: [], volume: [])
        for block in firstBlock...lastBlock {
            let decoded = try decode(block, timestampsOnly: false)
            let start = block * layout.blockBars
            let rows = max(range.lowerBound, start) - start..<min(range.upperBound, start + decoded.count) - start
            result.timestamps += decoded.timestamps[rows]
            result.open += decoded.open[rows]
            result.high += decoded.high[rows]
            result.low += decoded.low[rows]
            result.close += decoded.close[rows]
            result.volume += decoded.volume[rows]
        }
        return result
    }

    /// One block's bars (only its timestamps filled when `timestampsOnly`).
    private func decode(_ block: Int, timestampsOnly: Bool) throws -> OHLCVSeries {
        let span = layout.bytes(ofBlock: block)
        guard let bytes = try reader.bytes(from: span.lowerBound, count: span.count) else { throw DamagedBlob() }
        let bars = layout.bars(inBlock: block)
        let first = layout.firstTimestamps[block]
        var timestamps = [Int64](repeating: 0, count: bars)
        var open = [Double](repeating: 0, count: bars)
        var high = [Double](repeating: 0, count: bars)
        var low = [Double](repeating: 0, count: bars)
        var close = [Double](repeating: 0, count: bars)
        var volume = [Double](repeating: 0, count: bars)
        let decoded = bytes.withUnsafeBytes { raw in
            var input = ByteReader(raw)
            if timestampsOnly {
                return timestamps.withUnsafeMutableBufferPointer { t in
                    guard let base = t.baseAddress else { return false }
                    return BarBlockCoding.decodeTimestamps(&input, bars: bars, first: first, into: base)
                }
            }
            let complete = timestamps.withUnsafeMutableBufferPointer { t in
                open.withUnsafeMutableBufferPointer { o in
                    high.withUnsafeMutableBufferPointer { h in
                        low.withUnsafeMutableBufferPointer { l in
                            close.withUnsafeMutableBufferPointer { c in
                                volume.withUnsafeMutableBufferPointer { v in
                                    guard let columns = BarColumns(t, o, h, l, c, v) else { return false }
                                    return BarBlockCoding.decode(
                                        &input, bars: bars, first: first, into: columns, row: 0)
                                }
                            }
                        }
                    }
                }
            }
            return complete && input.cursor == raw.count
        }
        guard decoded else { throw DamagedBlob() }
        return OHLCVSeries(timestamps: timestamps, open: open, high: high, low: low, close: close, volume: volume)
    }
}
