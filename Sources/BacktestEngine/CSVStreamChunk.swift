/// One chunk of a streamed CSV (`CSVStreamReader`), parsed on its own: its rows in columns of
/// their own, and what it found with line numbers counted from the chunk's first line (0), since
/// the lines before it are only known once every earlier chunk is done.
struct CSVStreamChunk: Sendable {
    var outcome: CSVChunkOutcome
    /// Lines the chunk spans (its newlines, plus one for a last line without one).
    let lines: Int
    var series: OHLCVSeries
    /// The scales of the rows' blocks, when asked for (to code them).
    var scales: BlockScales?
    /// The chunk's blocks coded by the reader's `codeBlocks` (when it has one).
    var coded: [[UInt8]]?

    /// Parses whole lines; `moreFollows` unless the chunk ends the text. `lines` is the count of
    /// the bytes' lines when the caller already has it.
    /// With `blockBars`, the scales of its blocks of that many rows are kept too.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, moreFollows: Bool, lines known: Int? = nil, blockBars: Int? = nil
    ) -> CSVStreamChunk {
        let lines = known ?? SharedBytes(bytes: bytes).lines(in: 0..<bytes.count)
        var outcome = CSVChunkOutcome()
        let capacity = CSVSeriesReader.rowCapacity(lines: lines, bytes: bytes.count)
        func fill(_ scales: BlockScales.Tracker?) -> OHLCVSeries {
            CSVColumns.filled(capacity: capacity) { columns in
                outcome = CSVChunkParser.parse(
                    bytes, 0..<bytes.count, firstLine: 0, columns: columns, rowOffset: 0, rowLimit: capacity,
                    moreFollows: moreFollows, scales: scales)
                return outcome.rows
            }
        }
        guard let blockBars, blockBars > 0 else {
            let series = fill(nil)
            return CSVStreamChunk(outcome: outcome, lines: lines, series: series, scales: nil, coded: nil)
        }
        let (series, scales) = BlockScales.tracked(capacity: capacity, blockBars: blockBars) { fill($0) }
        return CSVStreamChunk(outcome: outcome, lines: lines, series: series, scales: scales, coded: nil)
    }

    /// A line too long to hold, skipped unread.
    static func tooLong() -> CSVStreamChunk {
        var outcome = CSVChunkOutcome()
        outcome.report(0, CSVLineProblem.tooLong)
        return CSVStreamChunk(outcome: outcome, lines: 1, series: OHLCVSeries.none, scales: nil, coded: nil)
    }

    /// The chunks (in text order) as one series, by the whole-text reader's rules: each row after
    /// the previous chunks' last, problems named by line (the first 20), no rows refused. The
    /// chunks' columns are kept as the parts of the series, never joined.
    static func stitch(_ chunks: [CSVStreamChunk], blockBars: Int) throws(EngineError) -> SeriesParts {
        var problems: [CSVLineProblem] = []
        var problemCount = 0
        var previous = Int64.min
        var rows = 0
        // Data lines start at line 2 (after the header).
        var firstLine = 2
        for chunk in chunks {
            let outcome = chunk.outcome
            var late = 0
            while late < outcome.rows && chunk.series.timestamps[late] <= previous { late += 1 }
            let lateProblems = outcome.firstRowLines.prefix(late).map {
                CSVLineProblem(line: firstLine + $0, message: CSVLineProblem.notAfterPrevious)
            }
            let own = outcome.problems.map { CSVLineProblem(line: firstLine + $0.line, message: $0.message) }
            problems = Array(
                (problems + CSVSeriesReader.merged(own, lateProblems)).prefix(CSVSeriesReader.maxReportedProblems))
            problemCount = problemCount.saturatingAdding(outcome.problemCount + late)
            previous = max(previous, outcome.lastTimestamp)
            rows += outcome.rows
            firstLine = firstLine.saturatingAdding(chunk.lines)
        }
        if problemCount > 0 { throw CSVSeriesReader.failure(problems, problemCount) }
        guard rows > 0 else { throw CSVSeriesReader.failure([.init(line: firstLine - 1, message: "no data rows")], 1) }
        // Pre-coded blocks are the blob's when each chunk but the last holds whole blocks.
        var coded: [[UInt8]]? = []
        for (index, chunk) in chunks.enumerated() {
            guard let blocks = chunk.coded, index == chunks.count - 1 || chunk.series.count % blockBars == 0 else {
                coded = nil
                break
            }
            coded?.append(contentsOf: blocks)
        }
        return SeriesParts(chunks.map(\.series), codedBlocks: coded)
    }
}
