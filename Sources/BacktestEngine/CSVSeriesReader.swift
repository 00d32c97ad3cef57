import Foundation

/// Strict reader for `timestamp,open,high,low,close,volume` CSV (header required).
///
/// Timestamps are RFC 3339 (`2024-01-02T00:00:00Z`, optional fraction and offset) or epoch
/// milliseconds. Nothing is skipped silently: every bad row is reported by line number
/// (the first 20), and any problem fails the whole file.
///
/// The data lines are cut into chunks at line boundaries and parsed in parallel straight into
/// the output columns; the stitch then applies the one rule that crosses chunks (each row after
/// the previous one), so rows, errors and line numbers are the same for any chunk count.
public enum CSVSeriesReader {
    public static let header = "timestamp,open,high,low,close,volume"
    public static let maxReportedProblems = 20
    /// The longest line (without its newline and a CR before it): no row needs more, and a
    /// streamed reader never holds more than this of a line it cannot yet cut.
    public static let maxLineBytes = 1 << 20
    /// Below this many bytes per chunk, splitting costs more than it saves.
    static let minimumChunkBytes = 1 << 20

    public static func read(_ bytes: [UInt8]) throws(EngineError) -> OHLCVSeries {
        let outcome = bytes.withUnsafeBytes { raw in Result { () throws(EngineError) in try read(raw) } }
        return try outcome.get()
    }

    /// Reads a contiguous buffer (an array's storage, a memory-mapped file), using the cores.
    public static func read(_ bytes: UnsafeRawBufferPointer) throws(EngineError) -> OHLCVSeries {
        let chunks = min(
            max(1, bytes.count / minimumChunkBytes), 4 * max(1, ProcessInfo.processInfo.activeProcessorCount))
        return try read(bytes, chunkCount: chunks, parallel: chunks > 1)
    }

    /// `chunkCount` chunks, parsed concurrently when `parallel`, else one after another
    /// (the result is the same either way; tests and the fuzzer compare them).
    static func read(_ raw: UnsafeRawBufferPointer, chunkCount: Int, parallel: Bool) throws(EngineError)
        -> OHLCVSeries
    {
        let bytes = raw.bindMemory(to: UInt8.self)
        let total = bytes.count
        guard total > 0 else { throw failure([.init(line: 1, message: "empty file: header \(header) required")], 1) }
        var headerEnd = 0
        while headerEnd < total && bytes[headerEnd] != 10 { headerEnd += 1 }
        guard isHeader(UnsafeBufferPointer(rebasing: bytes[0..<headerEnd])) else {
            throw failure([.init(line: 1, message: "header must be \(header)")], 1)
        }
        let bodyStart = min(headerEnd + 1, total)
        let bounds = chunkBounds(bytes, bodyStart: bodyStart, count: max(1, chunkCount))
        let chunks = bounds.count - 1
        let run: (Int, @escaping @Sendable (Int) -> Void) -> Void =
            parallel
            ? { DispatchExecutor().forEach($0, $1) } : { count, body in for index in 0..<count { body(index) } }

        // Pass 1: lines per chunk, hence each chunk's first line number, and room for its rows.
        let shared = SharedBytes(bytes: bytes)
        var lineCounts = [Int](repeating: 0, count: chunks)
        lineCounts.withUnsafeMutableBufferPointer { counts in
            let counts = DisjointBuffer(counts)
            run(chunks) { index in counts.base[index] = shared.lines(in: bounds[index]..<bounds[index + 1]) }
        }
        var lineOffsets = [Int](repeating: 0, count: chunks + 1)
        var rowOffsets = [Int](repeating: 0, count: chunks + 1)
        for index in 0..<chunks {
            lineOffsets[index + 1] = lineOffsets[index] + lineCounts[index]
            let room = rowCapacity(lines: lineCounts[index], bytes: bounds[index + 1] - bounds[index])
            rowOffsets[index + 1] = rowOffsets[index] + room
        }
        let bodyLines = lineOffsets[chunks]

        // Pass 2: each chunk parses its lines into its rows of the output columns; then the
        // stitch applies the rule that crosses chunks.
        var failure: EngineError?
        let series = CSVColumns.filled(capacity: rowOffsets[chunks]) { columns in
            var outcomes = [CSVChunkOutcome](repeating: .init(), count: chunks)
            outcomes.withUnsafeMutableBufferPointer { buffer in
                let results = DisjointBuffer(buffer)
                let (offsets, lines) = (rowOffsets, lineOffsets)
                run(chunks) { index in
                    results.base[index] = CSVChunkParser.parse(
                        shared.bytes, bounds[index]..<bounds[index + 1], firstLine: 2 + lines[index],
                        columns: columns, rowOffset: offsets[index], rowLimit: offsets[index + 1] - offsets[index])
                }
            }
            let (rows, problems, problemCount) = stitch(outcomes, rowOffsets: rowOffsets, columns: columns)
            if problemCount > 0 {
                failure = Self.failure(problems, problemCount)
            } else if rows == 0 {
                failure = Self.failure([.init(line: 1 + bodyLines, message: "no data rows")], 1)
            }
            return failure == nil ? rows : 0
        }
        if let failure { throw failure }
        return series
    }

    /// Joins the chunks' outcomes in order. A chunk checked "after the previous row" only
    /// against its own rows; its rows increase, so those not after the earlier chunks' last row
    /// are a prefix of them, named here. With no problems, rows are moved together (closing
    /// gaps) and their count returned.
    static func stitch(_ outcomes: [CSVChunkOutcome], rowOffsets: [Int], columns: CSVColumns) -> (
        rows: Int, problems: [CSVLineProblem], problemCount: Int
    ) {
        var problems: [CSVLineProblem] = []
        var problemCount = 0
        var previous = Int64.min
        var rows = 0
        for (index, outcome) in outcomes.enumerated() {
            let offset = rowOffsets[index]
            var late = 0
            while late < outcome.rows && columns.timestamps[offset + late] <= previous { late += 1 }
            let lateProblems = outcome.firstRowLines.prefix(late).map {
                CSVLineProblem(line: $0, message: CSVLineProblem.notAfterPrevious)
            }
            problems = Array((problems + merged(outcome.problems, lateProblems)).prefix(maxReportedProblems))
            problemCount += outcome.problemCount + late
            previous = max(previous, outcome.lastTimestamp)
            if problemCount == 0 {
                columns.moveRows(from: offset, to: rows, count: outcome.rows)
                rows += outcome.rows
            }
        }
        return (rows, problems, problemCount)
    }

    /// The most rows `lines` lines in `bytes` bytes can hold. The shortest row, `1,1,1,1,1,0`,
    /// takes 11 bytes and a newline (the file's last row may lack one), so a file of newlines
    /// or short junk lines reserves little, and the columns never outgrow the bars the text
    /// could describe.
    static func rowCapacity(lines: Int, bytes: Int) -> Int {
        min(lines, bytes / 12 + 1)
    }

    /// The header line (without its newline): names compared case-insensitively after an
    /// optional BOM, each trimmed of spaces and tabs. Runs once per file, so plain strings do.
    static func isHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var bytes = line
        if let last = bytes.last, last == 13 { bytes = UnsafeBufferPointer(rebasing: bytes.dropLast()) }
        guard bytes.count <= maxLineBytes else { return false }
        let text = String(decoding: bytes, as: UTF8.self).lowercased()
        let trimmed = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        return trimmed.split(separator: ",").map { $0.trimmingCharacters() }
            == header.split(separator: ",").map(String.init)
    }

    /// `count + 1` cut positions over `[bodyStart, bytes.count)`, each cut just after a newline
    /// (so every chunk holds whole lines); chunks may be empty.
    static func chunkBounds(_ bytes: UnsafeBufferPointer<UInt8>, bodyStart: Int, count: Int) -> [Int] {
        let total = bytes.count
        let size = total - bodyStart
        var bounds = [bodyStart]
        var cut = bodyStart
        for index in 1..<count {
            // size / count * index + the remainder spread: no product that could overflow.
            cut = max(cut, bodyStart + size / count * index + min(index, size % count))
            while cut < total && cut > bodyStart && bytes[cut - 1] != 10 { cut += 1 }
            bounds.append(cut)
        }
        bounds.append(total)
        return bounds
    }

    /// Two line-ordered problem lists as one, in line order.
    static func merged(_ a: [CSVLineProblem], _ b: [CSVLineProblem]) -> [CSVLineProblem] {
        guard !b.isEmpty else { return a }
        var result: [CSVLineProblem] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].line < b[j].line) {
                result.append(a[i])
                i += 1
            } else {
                result.append(b[j])
                j += 1
            }
        }
        return result
    }

    static func failure(_ problems: [CSVLineProblem], _ count: Int) -> EngineError {
        let extra = count > problems.count ? " (first \(problems.count) shown)" : ""
        return EngineError(
            code: "engine.invalid_csv", message: "\(count) bad CSV rows\(extra)",
            problems: problems.map { .init(path: "line \($0.line)", message: $0.message) })
    }
}

/// The file's bytes, read (never written) by every chunk. `@unchecked Sendable`: read-only,
/// and the caller keeps the buffer alive until `read` returns.
struct SharedBytes: @unchecked Sendable {
    let bytes: UnsafeBufferPointer<UInt8>

    /// Lines in `range`: its newlines, plus one for a last line without a newline.
    func lines(in range: Range<Int>) -> Int {
        guard !range.isEmpty, let base = bytes.baseAddress else { return 0 }
        var newlines = 0
        var index = range.lowerBound
        // Sixteen bytes at a time: each lane of `lanes` counts the newlines met in its byte
        // position (the compare is one vector instruction even on the x86-64 baseline), summed
        // every 255 vectors, before a lane could wrap.
        let raw = UnsafeRawPointer(base)
        let newline = SIMD16<UInt8>(repeating: 10)
        let one = SIMD16<UInt8>(repeating: 1)
        let none = SIMD16<UInt8>(repeating: 0)
        while index + 16 <= range.upperBound {
            var lanes = none
            var steps = 0
            while steps < 255 && index + 16 <= range.upperBound {
                let bytes = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                lanes &+= none.replacing(with: one, where: bytes .== newline)
                index += 16
                steps += 1
            }
            newlines += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
        }
        while index < range.upperBound {
            if base[index] == 10 { newlines += 1 }
            index += 1
        }
        return newlines + (base[range.upperBound - 1] == 10 ? 0 : 1)
    }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
