import BacktestEngine

/// The compact bars blob (version 2): the bars in blocks of `blockBars`, each block coded on its
/// own (`BarBlockCoding`), behind an index of where each block starts and its first timestamp.
/// Typical minute bars take ~14 bytes a bar instead of 48, which is most of what the catalog's
/// write of a dataset costs; blocks are coded on all cores, and a window of bars is read by
/// decoding only the blocks it touches.
///
/// Layout, little-endian: `magic` (8 bytes, the last the version), bar count (8), bars per
/// block (4), block count (4); per block its byte offset in the blob (8) and first timestamp
/// (8); then the blocks, back to back, the last ending with the blob. The magic's last byte is
/// at least 1, so read as the old layout's leading count it would promise more than 2^56 bars:
/// no old blob is taken for a new one, or the reverse.
enum BarBlocks {
    static let magic: [UInt8] = [0xFF, 0x42, 0x41, 0x52, 0x53, 0x00, 0x00, 0x02]
    static let headerBytes = 24
    static let indexEntryBytes = 16
    static let defaultBlockBars = 4096
    static let maxBlockBars = 1 << 20

    /// Where the blocks are, read from a blob's header and index and checked against its size.
    struct Layout {
        let count: Int
        let blockBars: Int
        /// Block `b` spans bytes `offsets[b]..<offsets[b + 1]` (one more offset than blocks).
        let offsets: [Int]
        let firstTimestamps: [Int64]

        var blockCount: Int { firstTimestamps.count }
        func bars(inBlock block: Int) -> Int { min(blockBars, count - block * blockBars) }
        func bytes(ofBlock block: Int) -> Range<Int> { offsets[block]..<offsets[block + 1] }
    }

    static func isCompact(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= magic.count && magic.indices.allSatisfy { bytes[$0] == magic[$0] }
    }

    /// The header's bar count, block size and block count, when they fit a blob of `byteCount`
    /// bytes (a damaged count can never size an allocation beyond the blob).
    static func header(_ bytes: UnsafeRawBufferPointer, byteCount: Int) -> (count: Int, blockBars: Int, blocks: Int)? {
        guard bytes.count >= headerBytes, isCompact(bytes) else { return nil }
        let count = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let blockBars = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        let blocks = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 20, as: UInt32.self)))
        // A bar takes at least six bytes (a timestamp varint but for each block's first, and at
        // least a byte in each of five columns), so a larger count is damage: a damaged count can
        // never size the decoded columns beyond 8× the blob.
        guard count <= UInt64(byteCount / 6), (1...maxBlockBars).contains(blockBars) else { return nil }
        guard blocks == (Int(count) + blockBars - 1) / blockBars,
            blocks <= (byteCount - headerBytes) / indexEntryBytes
        else { return nil }
        return (Int(count), blockBars, blocks)
    }

    /// The layout from the header fields and the index bytes; nil when offsets run backwards or
    /// past the blob.
    static func layout(
        _ header: (count: Int, blockBars: Int, blocks: Int), index: UnsafeRawBufferPointer, byteCount: Int
    ) -> Layout? {
        guard index.count == header.blocks * indexEntryBytes else { return nil }
        var offsets: [Int] = []
        var firsts: [Int64] = []
        offsets.reserveCapacity(header.blocks + 1)
        firsts.reserveCapacity(header.blocks)
        var previous = headerBytes + index.count
        for block in 0..<header.blocks {
            let offset = UInt64(littleEndian: index.loadUnaligned(fromByteOffset: block * 16, as: UInt64.self))
            guard offset >= UInt64(previous), offset <= UInt64(byteCount) else { return nil }
            guard block > 0 || offset == UInt64(previous) else { return nil }
            previous = Int(offset)
            offsets.append(previous)
            firsts.append(
                Int64(littleEndian: index.loadUnaligned(fromByteOffset: block * 16 + 8, as: Int64.self)))
        }
        offsets.append(byteCount)
        return Layout(count: header.count, blockBars: header.blockBars, offsets: offsets, firstTimestamps: firsts)
    }

    /// Blocks are coded in parallel through `executor`. The service passes its engine threads:
    /// Dispatch's `concurrentPerform` called from a thread Dispatch did not start (the run
    /// workers are Foundation threads) corrupts the heap when that thread exits (libdispatch's
    /// continuation cache is freed twice), so it is used only where Dispatch owns the caller.
    static func encode(
        _ series: OHLCVSeries, blockBars: Int = defaultBlockBars, executor: any ParallelExecutor = DispatchExecutor()
    ) -> [UInt8] {
        encode(SeriesParts([series]), blockBars: blockBars, executor: executor)
    }

    /// The same blob for bars held in parts (a streamed upload's chunks): a block within one part
    /// is coded from it in place, one across parts from a copy of its rows.
    static func encode(
        _ series: SeriesParts, blockBars: Int = defaultBlockBars, executor: any ParallelExecutor = DispatchExecutor()
    ) -> [UInt8] {
        let count = series.count
        let blocks = (count + blockBars - 1) / blockBars
        if blockBars == defaultBlockBars, let coded = series.codedBlocks, coded.count == blocks {
            return assemble(coded, series, blockBars: blockBars)
        }
        var coded = [[UInt8]](repeating: [], count: blocks)
        coded.withUnsafeMutableBufferPointer { buffer in
            let results = SharedSlots(base: buffer.baseAddress)
            executor.forEach(blocks) { block in
                let (source, range) = series.rows(block * blockBars..<min(count, (block + 1) * blockBars))
                results.base?[block] = codeBlock(source, range)
            }
        }
        return assemble(coded, series, blockBars: blockBars)
    }

    /// One block's bytes (knowing its columns' scales, when given).
    static func codeBlock(_ source: OHLCVSeries, _ range: Range<Int>, scales: [UInt8]? = nil) -> [UInt8] {
        let room = BarBlockCoding.worstCaseBytes(bars: range.count)
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: room)
        defer { scratch.deallocate() }
        var writer = ByteWriter(base: scratch)
        BarBlockCoding.encode(source, range, scales: scales, into: &writer)
        return Array(UnsafeBufferPointer(start: scratch, count: writer.count))
    }

    /// The blocks of a streamed chunk, coded in the chunk's own job while the upload still
    /// arrives (`CSVStreamReader.codeBlocks`): `series`'s rows from 0 in blocks of
    /// `defaultBlockBars`. They are the blob's blocks when every chunk before holds whole blocks.
    static func codeChunk(_ series: OHLCVSeries, scales: BlockScales?) -> [[UInt8]] {
        stride(from: 0, to: series.count, by: defaultBlockBars).map { start in
            let block = start / defaultBlockBars
            let known = scales.flatMap { scales in
                scales.blockBars == defaultBlockBars
                    ? (0..<BlockScales.columns).map { scales.scale(block: block, column: $0) } : nil
            }
            return codeBlock(series, start..<min(series.count, start + defaultBlockBars), scales: known)
        }
    }

    /// The blob: header, index, then the coded blocks.
    static func assemble(_ coded: [[UInt8]], _ series: SeriesParts, blockBars: Int) -> [UInt8] {
        let count = series.count
        let blocks = coded.count
        var blob = magic
        let start = headerBytes + blocks * indexEntryBytes
        blob.reserveCapacity(start + coded.reduce(0) { $0 + $1.count })
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { blob.append(contentsOf: $0) }
        }
        append(UInt64(count))
        append(UInt32(blockBars))
        append(UInt32(blocks))
        var offset = start
        for block in 0..<blocks {
            append(UInt64(offset))
            append(series.timestamp(block * blockBars))
            offset += coded[block].count
        }
        for block in coded { blob.append(contentsOf: block) }
        return blob
    }

    /// The whole series (blocks decoded in parallel through `executor`, see `encode`); nil for a
    /// damaged blob.
    static func decode(_ blob: UnsafeRawBufferPointer, executor: any ParallelExecutor = DispatchExecutor())
        -> OHLCVSeries?
    {
        guard let fields = header(blob, byteCount: blob.count),
            let layout = layout(
                fields,
                index: UnsafeRawBufferPointer(
                    rebasing: blob[headerBytes..<headerBytes + fields.blocks * indexEntryBytes]),
                byteCount: blob.count)
        else { return nil }
        let count = layout.count
        var timestamps = [Int64](repeating: 0, count: count)
        var open = [Double](repeating: 0, count: count)
        var high = [Double](repeating: 0, count: count)
        var low = [Double](repeating: 0, count: count)
        var close = [Double](repeating: 0, count: count)
        var volume = [Double](repeating: 0, count: count)
        var failed = [Bool](repeating: false, count: layout.blockCount)
        timestamps.withUnsafeMutableBufferPointer { t in
            open.withUnsafeMutableBufferPointer { o in
                high.withUnsafeMutableBufferPointer { h in
                    low.withUnsafeMutableBufferPointer { l in
                        close.withUnsafeMutableBufferPointer { c in
                            volume.withUnsafeMutableBufferPointer { v in
                                failed.withUnsafeMutableBufferPointer { f in
                                    guard let columns = BarColumns(t, o, h, l, c, v) else { return }
                                    let flags = SharedSlots(base: f.baseAddress)
                                    let source = SharedBlob(blob)
                                    executor.forEach(layout.blockCount) { block in
                                        var reader = ByteReader(
                                            UnsafeRawBufferPointer(rebasing: source.bytes[layout.bytes(ofBlock: block)])
                                        )
                                        let decoded = BarBlockCoding.decode(
                                            &reader, bars: layout.bars(inBlock: block),
                                            first: layout.firstTimestamps[block], into: columns,
                                            row: block * layout.blockBars)
                                        flags.base?[block] = !decoded || reader.cursor != reader.bytes.count
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard !failed.contains(true) else { return nil }
        return OHLCVSeries(timestamps: timestamps, open: open, high: high, low: low, close: close, volume: volume)
    }
}

/// Slots of a buffer that the iterations of one parallel loop fill, one slot each.
/// `@unchecked Sendable`: iteration `i` writes only slot `i`, and the buffer outlives the loop.
struct SharedSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>?
}

/// A blob read (never written) by the iterations of one parallel loop.
/// `@unchecked Sendable`: read-only, and the caller keeps it alive until the loop ends.
struct SharedBlob: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }
}
