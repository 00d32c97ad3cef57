import BacktestEngine

/// Bars to and from the catalog's blob. New datasets are stored compact (`BarBlocks`); blobs of
/// the first layout (`encodeRaw`: count, then timestamps and the five price columns as whole
/// little-endian arrays, 48 bytes a bar) are still read. Both round-trip exactly.
enum BarsCodec {
    /// Bytes per bar of the first layout: one timestamp and five prices, eight bytes each.
    static let bytesPerBar = 48

    static func encode(_ series: OHLCVSeries, executor: any ParallelExecutor = DispatchExecutor()) -> [UInt8] {
        BarBlocks.encode(series, executor: executor)
    }

    static func encode(_ series: SeriesParts, executor: any ParallelExecutor = DispatchExecutor()) -> [UInt8] {
        BarBlocks.encode(series, executor: executor)
    }

    /// nil for a damaged blob (never a trap: counts are checked before arithmetic or allocation use them).
    static func decode(_ bytes: [UInt8], executor: any ParallelExecutor = DispatchExecutor()) -> OHLCVSeries? {
        bytes.withUnsafeBytes { raw in
            BarBlocks.isCompact(raw) ? BarBlocks.decode(raw, executor: executor) : decodeRaw(raw)
        }
    }

    /// The first layout (kept for tests of old catalogs and as the reference).
    static func encodeRaw(_ series: OHLCVSeries) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + series.count * bytesPerBar)
        func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(UInt64(series.count))
        for value in series.timestamps { append(UInt64(bitPattern: value)) }
        for column in [series.open, series.high, series.low, series.close, series.volume] {
            for value in column { append(value.bitPattern) }
        }
        return bytes
    }

    /// nil for a blob whose length does not match its count.
    static func decodeRaw(_ raw: UnsafeRawBufferPointer) -> OHLCVSeries? {
        guard raw.count >= 8 else { return nil }
        let stored = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard stored <= UInt64((raw.count - 8) / bytesPerBar), Int(stored) * bytesPerBar == raw.count - 8 else {
            return nil
        }
        let count = Int(stored)
        func column<T>(_ number: Int, _ convert: (UInt64) -> T) -> [T] {
            let base = 8 + number * count * 8
            return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    let word = raw.loadUnaligned(fromByteOffset: base + index * 8, as: UInt64.self)
                    buffer[index] = convert(UInt64(littleEndian: word))
                }
                initialized = count
            }
        }
        let price = { (word: UInt64) in Double(bitPattern: word) }
        return OHLCVSeries(
            timestamps: column(0) { Int64(bitPattern: $0) }, open: column(1, price), high: column(2, price),
            low: column(3, price), close: column(4, price), volume: column(5, price))
    }
}
