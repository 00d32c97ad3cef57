/// One problem found while reading, by line number (turned into `EngineError.Problem` at the end).
struct CSVLineProblem: Sendable, Equatable {
    let line: Int
    let message: String

    static let notAfterPrevious = "timestamp is not after the previous row's"
    static let tooLong = "line is longer than \(CSVSeriesReader.maxLineBytes) bytes"
}

/// What one chunk of lines found, before it is stitched to the chunks before it.
struct CSVChunkOutcome: Sendable {
    /// The chunk's first `CSVSeriesReader.maxReportedProblems` problems, in line order.
    var problems: [CSVLineProblem] = []
    var problemCount = 0
    /// Rows written at the chunk's row offset: the lines that passed every check, where the
    /// "after the previous row" check only saw this chunk's own rows.
    var rows = 0
    /// Line numbers of the first `maxReportedProblems` rows written, to name any that the
    /// stitch finds are not after the previous chunks' last row.
    var firstRowLines: [Int] = []
    /// The last row's timestamp (`.min` without rows).
    var lastTimestamp: Int64 = .min

    mutating func report(_ line: Int, _ message: String) {
        problemCount += 1
        if problems.count < CSVSeriesReader.maxReportedProblems { problems.append(.init(line: line, message: message)) }
    }
}

/// Parses the data lines of one chunk straight from the file's bytes, with no allocation per
/// line or field.
///
/// Each line first tries the fast path: one pass that parses the fields as it meets them and
/// accepts only a plain, valid row. Anything else (spaces, exponents, bad values, wrong field
/// counts) is re-read by the general path, which applies the reader's full rules in their order
/// and names the problem; so the fast path only decides how quickly a good row is read.
struct CSVChunkParser {
    let base: UnsafePointer<UInt8>
    /// The whole file's size (only its final line may be empty).
    let total: Int
    let columns: CSVColumns
    let rowOffset: Int
    let rowLimit: Int
    var outcome = CSVChunkOutcome()
    var previous = Int64.min
    var dayCache = TimestampParser.DayCache()
    /// The scales of the rows' blocks, when kept (rows from 0: `rowOffset` is then 0).
    var scales: BlockScales.Tracker?

    /// Parses the lines in `range` (which starts a line and ends just after a newline or at the
    /// end of the file); the first is line `firstLine`. `bytes` ends the file unless
    /// `moreFollows` (a streamed chunk: its last line is then not the file's final line).
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, firstLine: Int, columns: CSVColumns, rowOffset: Int,
        rowLimit: Int, moreFollows: Bool = false, scales: BlockScales.Tracker? = nil
    ) -> CSVChunkOutcome {
        guard let base = bytes.baseAddress else { return CSVChunkOutcome() }
        // One past the buffer when more follows: no line of it is then taken for the last.
        var parser = CSVChunkParser(
            base: base, total: moreFollows ? bytes.count + 1 : bytes.count, columns: columns, rowOffset: rowOffset,
            rowLimit: rowLimit, scales: scales)
        var position = range.lowerBound
        var line = firstLine
        while position < range.upperBound {
            position =
                parser.fastLine(position, range.upperBound, line)
                ?? parser.generalLine(position, range.upperBound, line)
            line += 1
        }
        parser.outcome.lastTimestamp = parser.previous
        return parser.outcome
    }

    /// Stores a row that passed every check.
    @inline(__always)
    mutating func accept(
        _ line: Int, _ timestamp: Int64, _ o: Double, _ h: Double, _ l: Double, _ c: Double, _ v: Double
    ) {
        previous = timestamp
        columns.store(rowOffset + outcome.rows, timestamp, o, h, l, c, v)
        outcome.rows += 1
        if outcome.firstRowLines.count < CSVSeriesReader.maxReportedProblems { outcome.firstRowLines.append(line) }
    }

    /// The next line's start when the line at `start` is a plain valid row (now stored), else
    /// nil with nothing changed.
    @inline(__always)
    mutating func fastLine(_ start: Int, _ end: Int, _ line: Int) -> Int? {
        var cursor = Self.commaOrNewline(base, from: start, end)
        guard cursor < end, base[cursor] == 44,
            let timestamp = TimestampParser.parseMilliseconds(
                UnsafeBufferPointer(start: base + start, count: cursor - start), cache: &dayCache),
            timestamp > previous
        else { return nil }
        cursor += 1
        guard let o = DecimalParser.plainDecimal(base, &cursor, end), cursor < end, base[cursor] == 44 else {
            return nil
        }
        cursor += 1
        guard let h = DecimalParser.plainDecimal(base, &cursor, end), cursor < end, base[cursor] == 44 else {
            return nil
        }
        cursor += 1
        guard let l = DecimalParser.plainDecimal(base, &cursor, end), cursor < end, base[cursor] == 44 else {
            return nil
        }
        cursor += 1
        guard let c = DecimalParser.plainDecimal(base, &cursor, end), cursor < end, base[cursor] == 44 else {
            return nil
        }
        cursor += 1
        guard let v = DecimalParser.plainDecimal(base, &cursor, end) else { return nil }
        // The line must end here: newline, CR + newline, end of file, or a last CR at end of file.
        if cursor < end && base[cursor] == 13 { cursor += 1 }
        if cursor < end {
            guard base[cursor] == 10 else { return nil }
            cursor += 1
        } else if cursor != total {
            return nil
        }
        guard o.value > 0, h.value > 0, l.value > 0, c.value > 0, v.value >= 0, h.value >= l.value,
            outcome.rows < rowLimit
        else { return nil }
        scales?.record(o.scale, h.scale, l.scale, c.scale, v.scale)
        accept(line, timestamp, o.value, h.value, l.value, c.value, v.value)
        return cursor
    }

    /// The first comma or newline at or after `from` (`end` when there is none), eight bytes at a
    /// time: a byte of `x = word ^ pattern` is zero where the pattern's byte is, and
    /// `(x − 0x01…) & ~x & 0x80…` flags every zero byte exactly up to the first (a borrow only
    /// reaches bytes after it), so the lowest flag of either pattern is the answer.
    @inline(__always)
    static func commaOrNewline(_ base: UnsafePointer<UInt8>, from: Int, _ end: Int) -> Int {
        let raw = UnsafeRawPointer(base)
        var cursor = from
        while cursor + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: cursor, as: UInt64.self)
            let commas = word ^ 0x2C2C_2C2C_2C2C_2C2C
            let newlines = word ^ 0x0A0A_0A0A_0A0A_0A0A
            let flags =
                ((commas &- 0x0101_0101_0101_0101) & ~commas | (newlines &- 0x0101_0101_0101_0101) & ~newlines)
                & 0x8080_8080_8080_8080
            if flags != 0 { return cursor + flags.trailingZeroBitCount >> 3 }
            cursor += 8
        }
        while cursor < end && base[cursor] != 44 && base[cursor] != 10 { cursor += 1 }
        return cursor
    }

    /// Reads the line at `start` by the reader's full rules, storing its row or naming its
    /// problem; returns the next line's start.
    mutating func generalLine(_ start: Int, _ end: Int, _ number: Int) -> Int {
        // Where the first five commas are (the rest are only counted).
        var c0 = 0
        var c1 = 0
        var c2 = 0
        var c3 = 0
        var c4 = 0
        var cursor = start
        var commas = 0
        while cursor < end {
            let byte = base[cursor]
            if byte == 10 { break }
            if byte == 44 {
                switch commas {
                case 0: c0 = cursor
                case 1: c1 = cursor
                case 2: c2 = cursor
                case 3: c3 = cursor
                case 4: c4 = cursor
                default: break
                }
                commas += 1
            }
            cursor += 1
        }
        var lineEnd = cursor
        if lineEnd > start && base[lineEnd - 1] == 13 { lineEnd -= 1 }
        let next = cursor + 1
        if lineEnd == start {
            // Only the file's final line may be empty.
            if next < total { outcome.report(number, "empty line") }
            return next
        }
        guard lineEnd - start <= CSVSeriesReader.maxLineBytes else {
            outcome.report(number, CSVLineProblem.tooLong)
            return next
        }
        guard commas == 5 else {
            outcome.report(number, "expected 6 fields, found \(commas + 1)")
            return next
        }
        guard
            let timestamp = TimestampParser.parseMilliseconds(
                UnsafeBufferPointer(start: base + start, count: c0 - start), cache: &dayCache)
        else {
            outcome.report(number, "timestamp is neither RFC 3339 nor epoch milliseconds")
            return next
        }
        guard let o = trimmedValue(c0 + 1, c1) else { return report(number, "open is not a finite number", next) }
        guard let h = trimmedValue(c1 + 1, c2) else { return report(number, "high is not a finite number", next) }
        guard let l = trimmedValue(c2 + 1, c3) else { return report(number, "low is not a finite number", next) }
        guard let c = trimmedValue(c3 + 1, c4) else { return report(number, "close is not a finite number", next) }
        guard let v = trimmedValue(c4 + 1, lineEnd) else {
            return report(number, "volume is not a finite number", next)
        }
        if o <= 0 || h <= 0 || l <= 0 || c <= 0 {
            outcome.report(number, "prices must be positive")
        } else if v < 0 {
            outcome.report(number, "volume must not be negative")
        } else if h < l {
            outcome.report(number, "high is below low")
        } else if timestamp <= previous {
            outcome.report(number, CSVLineProblem.notAfterPrevious)
        } else if outcome.rows >= rowLimit {
            // Every row-producing line was counted when the chunk was sized; this only keeps
            // a miscount from writing out of bounds.
            outcome.report(number, "internal: more rows than lines")
        } else {
            let unknown = BlockScales.unknown
            scales?.record(unknown, unknown, unknown, unknown, unknown)
            accept(number, timestamp, o, h, l, c, v)
        }
        return next
    }

    /// Names the problem of line `number`; returns `next` (the following line's start).
    mutating func report(_ number: Int, _ message: String, _ next: Int) -> Int {
        outcome.report(number, message)
        return next
    }

    /// The finite number in `[from, to)` after trimming spaces and tabs, else nil.
    func trimmedValue(_ from: Int, _ to: Int) -> Double? {
        var start = from
        var end = to
        while start < end && (base[start] == 32 || base[start] == 9) { start += 1 }
        while end > start && (base[end - 1] == 32 || base[end - 1] == 9) { end -= 1 }
        guard let value = DecimalParser.parse(UnsafeBufferPointer(start: base + start, count: end - start)),
            value.isFinite
        else { return nil }
        return value
    }
}
