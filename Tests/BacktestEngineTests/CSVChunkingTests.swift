import Testing

@testable import BacktestEngine

/// The chunked reader against the reference (one-line-at-a-time) reader: same rows, same
/// errors and line numbers, for every chunk count and with or without threads.
@Suite struct CSVChunkingTests {
    static func reference(_ bytes: [UInt8]) -> Result<OHLCVSeries, EngineError> {
        Result { () throws(EngineError) in try ReferenceCSVReader.read(bytes) }
    }

    static func chunked(_ bytes: [UInt8], _ chunks: Int, parallel: Bool) -> Result<OHLCVSeries, EngineError> {
        bytes.withUnsafeBytes { raw in
            Result { () throws(EngineError) in try CSVSeriesReader.read(raw, chunkCount: chunks, parallel: parallel) }
        }
    }

    /// Equal rows bit for bit (so −0 and 0 differ), or equal errors.
    static func same(_ a: Result<OHLCVSeries, EngineError>, _ b: Result<OHLCVSeries, EngineError>) -> Bool {
        switch (a, b) {
        case (.success(let x), .success(let y)):
            return x.timestamps == y.timestamps
                && [x.open, x.high, x.low, x.close, x.volume].map { $0.map(\.bitPattern) }
                    == [y.open, y.high, y.low, y.close, y.volume].map { $0.map(\.bitPattern) }
        case (.failure(let x), .failure(let y)): return x == y
        default: return false
        }
    }

    @Test(arguments: 0..<40)
    func randomFiles_readTheSameForEveryChunkCount(seed: Int) {
        var generator = RandomCSV(seed: UInt64(seed))
        let defects = [0, 0.002, 0.02, 0.2][seed % 4]
        let bytes = generator.file(rows: [0, 1, 3, 50, 400][seed % 5], defects: defects)
        let expected = Self.reference(bytes)
        for chunks in 1...8 {
            for parallel in [false, true] {
                let found = Self.chunked(bytes, chunks, parallel: parallel)
                #expect(Self.same(found, expected), "seed \(seed), \(chunks) chunks, parallel \(parallel)")
            }
        }
        #expect(Self.same(Self.reference(bytes), Result { () throws(EngineError) in try CSVSeriesReader.read(bytes) }))
    }

    @Test func badRowsAcrossChunkBoundaries_keepTheirLineNumbers() {
        // 30 good rows, then rows going back in time in every later chunk: more than 20 problems.
        var text = "timestamp,open,high,low,close,volume\n"
        for minute in 0..<30 { text += "\(1_600_000_000_000 + minute * 60_000),1,2,0.5,1.5,10\n" }
        for minute in 0..<30 { text += "\(1_600_000_000_000 + minute * 60_000),1,2,0.5,1.5,10\n" }
        let bytes = Array(text.utf8)
        guard case .failure(let expected) = Self.reference(bytes) else {
            Issue.record("expected the reference to fail")
            return
        }
        #expect(expected.problems.first?.path == "line 32")
        #expect(expected.message == "30 bad CSV rows (first 20 shown)")
        for chunks in 1...8 {
            guard case .failure(let found) = Self.chunked(bytes, chunks, parallel: true) else {
                Issue.record("\(chunks) chunks: expected a failure")
                continue
            }
            #expect(found == expected, "\(chunks) chunks")
        }
    }

    @Test func chunkBounds_cutOnlyAfterNewlines() {
        let bytes = Array("h\nab\ncdef\n\ng\n".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            for count in 1...12 {
                let bounds = CSVSeriesReader.chunkBounds(buffer, bodyStart: 2, count: count)
                #expect(bounds.count == count + 1)
                #expect(bounds.first == 2 && bounds.last == bytes.count)
                #expect(zip(bounds, bounds.dropFirst()).allSatisfy { $0 <= $1 })
                #expect(bounds.dropFirst().dropLast().allSatisfy { $0 == 2 || buffer[$0 - 1] == 10 })
            }
        }
    }

    @Test func aMillionBytesFile_usesSeveralChunksAndStillMatches() {
        var generator = RandomCSV(seed: 99)
        let bytes = generator.file(rows: 40_000, defects: 0)
        #expect(bytes.count > CSVSeriesReader.minimumChunkBytes)
        let found = Result { () throws(EngineError) in try CSVSeriesReader.read(bytes) }
        #expect(Self.same(found, Self.reference(bytes)))
        if case .success(let series) = found { #expect(series.count > 0) }
    }
}

extension CSVChunkingTests {
    @Test func randomFiles_includeGoodAndBadOnes() {
        var outcomes = (good: 0, bad: 0)
        for seed in 0..<40 {
            var generator = RandomCSV(seed: UInt64(seed))
            let bytes = generator.file(rows: 50, defects: [0, 0.002, 0.02, 0.2][seed % 4])
            if case .success = Self.reference(bytes) { outcomes.good += 1 } else { outcomes.bad += 1 }
        }
        #expect(outcomes.good >= 5 && outcomes.bad >= 5)
    }

    @Test func rowCapacity_fitsTheShortestRowsAndNoMore() throws {
        // 12-byte rows fill the capacity exactly, the last without its newline.
        var text = "timestamp,open,high,low,close,volume\n"
        for second in 1...9 { text += "\(second),1,1,1,1,0\n" }
        text += "9999,1,1,1,1,0"
        let body = text.utf8.count - 37
        #expect(CSVSeriesReader.rowCapacity(lines: 10, bytes: body) == 10)
        for chunks in 1...8 {
            let series = try Array(text.utf8).withUnsafeBytes { raw throws(EngineError) in
                try CSVSeriesReader.read(raw, chunkCount: chunks, parallel: false)
            }
            #expect(series.count == 10)
        }
        // A million newlines reserve room for at most 83,334 rows, not a million.
        #expect(CSVSeriesReader.rowCapacity(lines: 1_000_000, bytes: 1_000_000) == 83_334)
    }
}
