// libFuzzer entry over the CSV reader. Built by run-fuzz.sh together with the engine's source
// files and the reference reader (Tests/BacktestEngineTests/ReferenceCSVReader.swift), all in
// one module; checks that any input reads without crashing and that the chunked reader, one
// chunk or several, sequential or on threads, and the streamed reader (fed in pieces) give
// exactly what the reference reader gives.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reference = Result { () throws(EngineError) in try ReferenceCSVReader.read(bytes) }
    // Vary the chunk count with the input so boundaries land everywhere.
    let chunks = 2 + size % 7
    for (count, parallel) in [(1, false), (chunks, false), (chunks, true)] {
        let found = bytes.withUnsafeBytes { raw in
            Result { () throws(EngineError) in try CSVSeriesReader.read(raw, chunkCount: count, parallel: parallel) }
        }
        if !sameOutcome(found, reference) {
            fatalError(
                "\(count) chunks (parallel \(parallel)) disagree with the reference reader: \(found) vs \(reference)")
        }
    }
    // Streamed in pieces and small chunks, as an upload is read.
    // Every third input also cuts at whole blocks and keeps their scales (as an upload does),
    // which must hold what they claim: a value of a known scale s is v = m / 10^s, m < 10^14.
    let blockBars = 1 + size % 5
    let checkScales: @Sendable (OHLCVSeries, BlockScales?) -> [[UInt8]] = { series, scales in
        let columns = [series.open, series.high, series.low, series.close, series.volume]
        for row in 0..<series.count {
            for (column, values) in columns.enumerated() {
                guard let scale = scales?.scale(block: row / blockBars, column: column), scale != BlockScales.unknown
                else { continue }
                let scaled = values[row] * DecimalParser.powerOfTen(Int(scale))
                if scale > 7 || !(scaled >= 0 && scaled < 1e14) || abs(scaled - scaled.rounded()) > 1e-3 {
                    fatalError("row \(row) column \(column): \(values[row]) is not of scale \(scale)")
                }
            }
        }
        return []
    }
    let code = size % 3 == 0 ? checkScales : nil
    let reader = CSVStreamReader(
        chunkBytes: 1 + size % 61, maxInFlight: 2, parallel: size % 2 == 0, blockBars: blockBars, codeBlocks: code)
    var offset = 0
    while offset < size {
        let end = min(size, offset + 1 + (offset * 7 + size) % 23)
        bytes[offset..<end].withUnsafeBytes { reader.feed($0) }
        offset = end
    }
    let streamed = Result { () throws(EngineError) in try reader.finish().joined() }
    if !sameOutcome(streamed, reference) {
        fatalError("the streamed reader disagrees with the reference reader: \(streamed) vs \(reference)")
    }
    return 0
}

/// Equal rows bit for bit (−0 is not 0), or equal errors.
func sameOutcome(_ a: Result<OHLCVSeries, EngineError>, _ b: Result<OHLCVSeries, EngineError>) -> Bool {
    switch (a, b) {
    case (.success(let x), .success(let y)):
        return x.timestamps == y.timestamps
            && [x.open, x.high, x.low, x.close, x.volume].map { $0.map(\.bitPattern) }
                == [y.open, y.high, y.low, y.close, y.volume].map { $0.map(\.bitPattern) }
    case (.failure(let x), .failure(let y)): return x == y
    default: return false
    }
}
