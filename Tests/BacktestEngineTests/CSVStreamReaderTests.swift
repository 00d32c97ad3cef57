import Testing

@testable import BacktestEngine

/// The streamed reader against the whole-text reader: same rows bit for bit, same errors and
/// line numbers, whatever the chunk size, the pieces the text arrives in, and threads or not.
/// Serialized: a test waiting for its chunk threads holds one of the few cooperative threads,
/// which the in-process servers of other suites need.
@Suite(.serialized) struct CSVStreamReaderTests {
    static func streamed(_ bytes: [UInt8], chunkBytes: Int, pieceBytes: Int, parallel: Bool, blockBars: Int? = nil)
        -> Result<OHLCVSeries, EngineError>
    {
        // With `blockBars`, chunks are cut at whole blocks of lines and "code" their rows.
        var code: (@Sendable (OHLCVSeries, BlockScales?) -> [[UInt8]])?
        if let blockBars {
            code = { series, _ in
                stride(from: 0, to: series.count, by: blockBars).map { [UInt8(truncatingIfNeeded: $0)] }
            }
        }
        let reader = CSVStreamReader(
            chunkBytes: chunkBytes, maxInFlight: 2, parallel: parallel, blockBars: blockBars ?? 1, codeBlocks: code)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceBytes)
            bytes[offset..<end].withUnsafeBytes { reader.feed($0) }
            offset = end
        }
        return Result { () throws(EngineError) in try reader.finish().joined() }
    }

    static func whole(_ bytes: [UInt8]) -> Result<OHLCVSeries, EngineError> {
        Result { () throws(EngineError) in try CSVSeriesReader.read(bytes) }
    }

    @Test(arguments: 0..<40)
    func randomFiles_readAsTheWholeTextDoes(seed: Int) {
        var generator = RandomCSV(seed: UInt64(seed) &+ 1000)
        let defects = [0, 0.002, 0.02, 0.2][seed % 4]
        let bytes = generator.file(rows: [0, 1, 3, 50, 400][seed % 5], defects: defects)
        let expected = Self.whole(bytes)
        for chunkBytes in [1, 37, 5000] {
            for pieceBytes in [1, 13, 1 << 16] {
                for parallel in [false, true] where parallel == false || pieceBytes > 1 {
                    let found = Self.streamed(bytes, chunkBytes: chunkBytes, pieceBytes: pieceBytes, parallel: parallel)
                    #expect(
                        CSVChunkingTests.same(found, expected),
                        "seed \(seed), chunk \(chunkBytes), piece \(pieceBytes), parallel \(parallel)")
                }
            }
        }
        for blockBars in [1, 7] {
            let found = Self.streamed(bytes, chunkBytes: 300, pieceBytes: 64, parallel: true, blockBars: blockBars)
            #expect(CSVChunkingTests.same(found, expected), "seed \(seed), blocks of \(blockBars)")
        }
    }

    /// An empty line is refused unless it ends the text, also when a cut falls right after it.
    @Test func emptyLines_atEveryCut() {
        for text in [
            "timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n\n",
            "timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n\n\n",
            "timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n\n2,1,1,1,1,1\n",
            "timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n\r\n", "timestamp,open,high,low,close,volume\n",
            "timestamp,open,high,low,close,volume", "", "timestamp,open\n1,1,1,1,1,1\n",
        ] {
            let bytes = Array(text.utf8)
            for chunkBytes in 1...bytes.count + 1 {
                let found = Self.streamed(bytes, chunkBytes: chunkBytes, pieceBytes: 1, parallel: false)
                #expect(
                    CSVChunkingTests.same(found, Self.whole(bytes)), "\(text.debugDescription), chunk \(chunkBytes)")
            }
        }
    }

    /// A line of `maxLineBytes` is read; one byte more is refused by name, by both readers, and
    /// the lines after it keep their numbers.
    @Test func lineLimit_atNAndNPlusOne() {
        let limit = CSVSeriesReader.maxLineBytes
        let row = "1,1,1,1,1,1"
        for (extra, ending) in [(0, "\n"), (1, "\n"), (0, "\r\n"), (1, "\r\n"), (1, "")] {
            // Spaces before the volume are trimmed: a long line that is still a good row.
            let padded = "2,1,1,1,1," + String(repeating: " ", count: limit + extra - 11) + "1"
            #expect(padded.utf8.count == limit + extra)
            let text =
                "timestamp,open,high,low,close,volume\n" + row + "\n" + padded + ending
                + (ending.isEmpty ? "" : "3,1,1,1,1,x\n")
            let bytes = Array(text.utf8)
            let expected = Self.whole(bytes)
            guard case .failure(let error) = expected else {
                Issue.record("extra \(extra) \(ending.debugDescription): expected a failure")
                continue
            }
            let named = error.problems.map { "\($0.path): \($0.message)" }
            if extra == 1 {
                #expect(named.first == "line 3: \(CSVLineProblem.tooLong)")
                #expect(named.count == (ending.isEmpty ? 1 : 2))
            } else {
                #expect(named.map { $0.prefix(7) } == ["line 4:"])
            }
            for chunkBytes in [64, 4 << 20] {
                for pieceBytes in [65536] {
                    let found = Self.streamed(bytes, chunkBytes: chunkBytes, pieceBytes: pieceBytes, parallel: true)
                    #expect(
                        CSVChunkingTests.same(found, expected),
                        "extra \(extra) \(ending.debugDescription) \(chunkBytes)")
                }
            }
        }
    }

    /// A header longer than the line limit is not a header, for both readers.
    @Test func headerLimit_atNAndNPlusOne() {
        let limit = CSVSeriesReader.maxLineBytes
        for extra in [0, 1] {
            let header = "timestamp,open,high,low,close," + String(repeating: " ", count: limit + extra - 36) + "volume"
            #expect(header.utf8.count == limit + extra)
            let bytes = Array((header + "\n1,1,1,1,1,1\n").utf8)
            let expected = Self.whole(bytes)
            #expect((try? expected.get())?.count == (extra == 0 ? 1 : nil))
            let found = Self.streamed(bytes, chunkBytes: 4096, pieceBytes: 5000, parallel: true)
            #expect(CSVChunkingTests.same(found, expected))
        }
    }

    /// Parts read as the series they join: rows of any range, timestamps, median step.
    @Test func seriesParts_readAsTheJoinedSeries() throws {
        var text = "timestamp,open,high,low,close,volume\n"
        for row in 0..<400 { text += "\(1_600_000_000_000 + row * row * 1000),1.\(row),2,0.5,1.25,\(row)\n" }
        let whole = try CSVSeriesReader.read(Array(text.utf8))
        let cuts = [0, 0, 1, 17, 17, 200, 399, whole.count]
        let parts = SeriesParts(zip(cuts, cuts.dropFirst()).map { whole.bars($0..<$1) })
        #expect(parts.count == whole.count)
        #expect(parts.joined() == whole)
        #expect(parts.medianStepSeconds == whole.medianStepSeconds)
        #expect(parts.firstTimestamp == whole.timestamps.first && parts.lastTimestamp == whole.timestamps.last)
        for range in [0..<0, 0..<1, 16..<18, 17..<200, 3..<399, 0..<whole.count] {
            let (source, local) = parts.rows(range)
            #expect(source.bars(local) == whole.bars(range), "\(range)")
        }
        for row in 0..<whole.count { #expect(parts.timestamp(row) == whole.timestamps[row]) }
    }

    /// Chunks cut at whole blocks: every chunk but the last holds a multiple of the block's rows,
    /// and the blocks they coded are all the blocks, in order.
    @Test func alignedChunks_codeEveryBlockOnce() throws {
        var text = "timestamp,open,high,low,close,volume\n"
        for row in 0..<1000 { text += "\(1_600_000_000_000 + row * 1000),1.\(row),2,0.5,1.25,\(row)\n" }
        let bytes = Array(text.utf8)
        let reader = CSVStreamReader(
            chunkBytes: 2000, maxInFlight: 2, blockBars: 16,
            codeBlocks: { series, _ in
                stride(from: 0, to: series.count, by: 16).map {
                    [UInt8(truncatingIfNeeded: series.timestamps[$0] / 1000)]
                }
            })
        bytes.withUnsafeBytes { reader.feed($0) }
        let parts = try reader.finish()
        #expect(parts.parts.count > 10)
        #expect(parts.parts.dropLast().allSatisfy { $0.count % 16 == 0 })
        let expected = stride(from: 0, to: 1000, by: 16).map { [UInt8(truncatingIfNeeded: 1_600_000_000 + $0)] }
        #expect(parts.codedBlocks == expected)
        // The chunks' spare text buffers go once the last chunk is parsed.
        #expect(reader.spareTextCount == 0)
    }
}
