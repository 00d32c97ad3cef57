import BacktestEngine

/// Bars as one little-endian blob: count, then timestamps (Int64) and open, high, low, close,
/// volume (Float64) as arrays. Exact round trip.
enum BarsCodec {
    static func encode(_ series: OHLCVSeries) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + series.count * 48)
        func append(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        append(UInt64(series.count))
        #if _endian(little)
            // The in-memory columns already are the blob's layout: copy them whole (a 1 M-bar
            // dataset in milliseconds rather than a value at a time).
            series.timestamps.withUnsafeBytes { bytes.append(contentsOf: $0) }
            for column in [series.open, series.high, series.low, series.close, series.volume] {
                column.withUnsafeBytes { bytes.append(contentsOf: $0) }
            }
        #else
            for value in series.timestamps { append(UInt64(bitPattern: value)) }
            for column in [series.open, series.high, series.low, series.close, series.volume] {
                for value in column { append(value.bitPattern) }
            }
        #endif
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> OHLCVSeries? {
        guard bytes.count >= 8 else { return nil }
        func word(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for offset in 0..<8 { value |= UInt64(bytes[index * 8 + offset]) << (8 * offset) }
            return value
        }
        let count = Int(word(0))
        guard count >= 0, bytes.count == 8 + count * 48 else { return nil }
        func column(_ number: Int) -> [Double] { (0..<count).map { Double(bitPattern: word(1 + number * count + $0)) } }
        return OHLCVSeries(
            timestamps: (0..<count).map { Int64(bitPattern: word(1 + $0)) }, open: column(1), high: column(2),
            low: column(3),
            close: column(4), volume: column(5))
    }
}
