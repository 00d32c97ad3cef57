import BacktestEngine

/// One block of bars in the compact layout (see `BarBlocks`), written and read back bit for bit.
///
/// Timestamps: the block's first is kept in the index; each later one as the zigzag varint of
/// its step's change from the previous step (a regular series costs a byte a bar). Prices and
/// volumes, column by column: when every value of the column in the block is the double nearest
/// some `m / 10^k` (what a CSV decimal with `k` fraction digits parses to), a byte `k` and the
/// zigzag varints of the changes of `m`; otherwise `rawColumn` and the eight bytes of each
/// value. A value counts as decimal only if `m / 10^k` gives back its very bits (so `-0.0`,
/// NaN and anything the division would not reproduce are stored raw).
enum BarBlockCoding {
    /// The mode byte of a column stored as raw IEEE bits.
    static let rawColumn: UInt8 = 0xFF
    /// The largest `k`: 10^22 is the largest power of ten a double holds exactly.
    static let maxScale = 22
    static let powersOfTen: [Double] = (0...maxScale).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }
    static let exactMantissaLimit = 9_007_199_254_740_992.0  // 2^53

    /// The most bytes a block of `bars` bars can take: ten per timestamp varint, and per
    /// column a mode byte and eight bytes a value (a decimal varint is at most eight bytes:
    /// mantissas below 2^53 change by less than 2^54), and eight more for `shortVarint`'s store.
    static func worstCaseBytes(bars: Int) -> Int { bars * 10 + 5 * (1 + bars * 8) + 8 }

    /// The value of mantissa `m` at scale `k`; the encoder's check and the decoder use this one
    /// expression, so what was checked is what is read.
    @inline(__always)
    static func decimalValue(_ mantissa: Int64, _ powerOfTen: Double) -> Double {
        Double(mantissa) / powerOfTen
    }

    /// Writes bars `range` of `columns` at `writer` (which has `worstCaseBytes` of room); a column
    /// whose scale the parser saw (`scales`, in column order) is coded knowing it.
    static func encode(
        _ series: OHLCVSeries, _ range: Range<Int>, scales: [UInt8]? = nil, into writer: inout ByteWriter
    ) {
        series.timestamps.withUnsafeBufferPointer { timestamps in
            var previous = timestamps[range.lowerBound]
            var step: Int64 = 0
            for index in range.dropFirst() {
                let next = timestamps[index] &- previous
                writer.varint(zigzag(next &- step))
                step = next
                previous = timestamps[index]
            }
        }
        for (number, column) in [series.open, series.high, series.low, series.close, series.volume].enumerated() {
            column.withUnsafeBufferPointer { values in
                let slice = UnsafeBufferPointer(rebasing: values[range])
                let start = writer.count
                if let scales, number < scales.count,
                    encodeKnownScale(slice, widest: Int(scales[number]), into: &writer)
                {
                    return
                }
                writer.count = start
                for scale in 0...maxScale {
                    if encodeDecimal(slice, scale: scale, into: &writer) { return }
                    writer.count = start
                }
                writer.byte(rawColumn)
                for value in slice { writer.word(value.bitPattern) }
            }
        }
    }

    /// Writes `values` as decimals of scale `scale`; false (with some bytes written) as soon as
    /// one is not such a decimal.
    private static func encodeDecimal(_ values: UnsafeBufferPointer<Double>, scale: Int, into writer: inout ByteWriter)
        -> Bool
    {
        let power = powersOfTen[scale]
        writer.byte(UInt8(scale))
        var previous: Int64 = 0
        for value in values {
            let scaled = value * power
            // Also false for NaN and infinities.
            guard abs(scaled) < exactMantissaLimit else { return false }
            // The nearest integer as a candidate (truncating `scaled ± 0.5`: one instruction,
            // where `rounded()` is a libm call); the check below decides whether it is the one.
            let mantissa = Int64(scaled < 0 ? scaled - 0.5 : scaled + 0.5)
            guard decimalValue(mantissa, power).bitPattern == value.bitPattern else { return false }
            // Mantissas below 2^53 change by less than 2^54: the zigzag is below 2^55.
            writer.shortVarint(zigzag(mantissa &- previous))
            previous = mantissa
        }
        return true
    }

    /// Reads a block of `bars` bars whose first timestamp is `first` into rows `row…` of
    /// `columns`; false when the bytes are not such a block (damaged), never a trap.
    static func decode(_ reader: inout ByteReader, bars: Int, first: Int64, into columns: BarColumns, row: Int)
        -> Bool
    {
        guard decodeTimestamps(&reader, bars: bars, first: first, into: columns.timestamps + row) else { return false }
        for output in [columns.open, columns.high, columns.low, columns.close, columns.volume] {
            guard let mode = reader.byte() else { return false }
            if mode == rawColumn {
                for index in 0..<bars {
                    guard let word = reader.word() else { return false }
                    output[row + index] = Double(bitPattern: word)
                }
                continue
            }
            guard Int(mode) <= maxScale else { return false }
            let power = powersOfTen[Int(mode)]
            var mantissa: Int64 = 0
            for index in 0..<bars {
                guard let word = reader.varint() else { return false }
                mantissa = mantissa &+ unzigzag(word)
                output[row + index] = decimalValue(mantissa, power)
            }
        }
        return true
    }

    /// Reads only the timestamps, which lead the block (finding a window needs no prices).
    static func decodeTimestamps(
        _ reader: inout ByteReader, bars: Int, first: Int64, into output: UnsafeMutablePointer<Int64>
    ) -> Bool {
        guard bars > 0 else { return true }
        var previous = first
        var step: Int64 = 0
        output[0] = first
        for index in 1..<bars {
            guard let word = reader.varint() else { return false }
            step = step &+ unzigzag(word)
            previous = previous &+ step
            output[index] = previous
        }
        return true
    }

    @inline(__always)
    static func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    @inline(__always)
    static func unzigzag(_ word: UInt64) -> Int64 { Int64(bitPattern: (word >> 1) ^ (0 &- (word & 1))) }
}

/// Six output columns decoded into (by one thread per block range).
///
/// `@unchecked Sendable`: each decoding task writes only the rows of its own blocks, and the
/// storage outlives the parallel loop that uses it.
struct BarColumns: @unchecked Sendable {
    let timestamps: UnsafeMutablePointer<Int64>
    let open: UnsafeMutablePointer<Double>
    let high: UnsafeMutablePointer<Double>
    let low: UnsafeMutablePointer<Double>
    let close: UnsafeMutablePointer<Double>
    let volume: UnsafeMutablePointer<Double>

    /// nil when a buffer has no storage (no bars).
    init?(
        _ t: UnsafeMutableBufferPointer<Int64>, _ o: UnsafeMutableBufferPointer<Double>,
        _ h: UnsafeMutableBufferPointer<Double>, _ l: UnsafeMutableBufferPointer<Double>,
        _ c: UnsafeMutableBufferPointer<Double>, _ v: UnsafeMutableBufferPointer<Double>
    ) {
        guard let t = t.baseAddress, let o = o.baseAddress, let h = h.baseAddress, let l = l.baseAddress,
            let c = c.baseAddress, let v = v.baseAddress
        else { return nil }
        (timestamps, open, high, low, close, volume) = (t, o, h, l, c, v)
    }
}

/// Appends into memory sized for the worst case by its owner (no bounds checks on the way).
struct ByteWriter {
    let base: UnsafeMutablePointer<UInt8>
    var count = 0

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        base[count] = value
        count += 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: rest) | 0x80
            count += 1
            rest >>= 7
        }
        base[count] = UInt8(truncatingIfNeeded: rest)
        count += 1
    }

    /// `varint` of a value below 2^56 (at most eight bytes) with one store and no branch on its
    /// length, which varies unpredictably in price columns. It writes eight bytes whatever the
    /// length, so the room must reach eight bytes past the varint's start.
    @inline(__always)
    mutating func shortVarint(_ value: UInt64) {
        let length = (64 - (value | 1).leadingZeroBitCount + 6) / 7
        // Each 7-bit group moved to its own byte, then the continuation bit on all but the last.
        var spread = value & 0x7F
        spread |= (value << 1) & 0x7F00
        spread |= (value << 2) & 0x7F_0000
        spread |= (value << 3) & 0x7F00_0000
        spread |= (value << 4) & 0x7F_0000_0000
        spread |= (value << 5) & 0x7F00_0000_0000
        spread |= (value << 6) & 0x7F_0000_0000_0000
        spread |= (value << 7) & 0x7F00_0000_0000_0000
        spread |= 0x8080_8080_8080_8080 & ((1 &<< UInt64(8 * (length - 1))) &- 1)
        UnsafeMutableRawPointer(base + count).storeBytes(of: spread.littleEndian, as: UInt64.self)
        count += length
    }

    @inline(__always)
    mutating func word(_ value: UInt64) {
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.littleEndian, as: UInt64.self)
        count += 8
    }
}

/// Reads bytes of a stored blob, every read checked against the end: a damaged blob gives nil.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var cursor: Int

    init(_ bytes: UnsafeRawBufferPointer, at cursor: Int = 0) {
        self.bytes = bytes
        self.cursor = cursor
    }

    @inline(__always)
    mutating func byte() -> UInt8? {
        guard cursor < bytes.count else { return nil }
        defer { cursor += 1 }
        return bytes[cursor]
    }

    /// A little-endian 64-bit word.
    @inline(__always)
    mutating func word() -> UInt64? {
        guard bytes.count - cursor >= 8 else { return nil }
        defer { cursor += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: UInt64.self))
    }

    /// An unsigned LEB128 varint of at most ten bytes (nil past the end or past 64 bits).
    @inline(__always)
    mutating func varint() -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while cursor < bytes.count {
            let byte = bytes[cursor]
            cursor += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }
}
