import BacktestEngine
import Foundation
import TestSupport
import Testing

@testable import BacktestService

@Suite struct DatasetUploadUnitTests {
    /// A CSV of `rows` one-minute bars whose open cycles through `1.0` … `1.<openCycle − 1>`.
    static func minuteBars(_ rows: Int, openCycle: Int) -> [UInt8] {
        var text = "timestamp,open,high,low,close,volume\n"
        for minute in 0..<rows {
            text += "\(1_600_000_000_000 + minute * 60_000),1.\(minute % openCycle),2.5,0.5,1.25,\(minute)\n"
        }
        return Array(text.utf8)
    }

    /// Declared gzip whose first write holds only the first magic byte: recognised once the
    /// second arrives, and the text comes out whole.
    @Test func aOneByteFirstPieceOfDeclaredGzipIsRecognised() throws {
        let text = "timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n"
        let compressed = try gzipped(Array(text.utf8))
        for declared in [true, false] {
            let upload = DatasetUpload(symbol: "S", timeframe: "1h", gzip: declared, maxBytes: 1 << 20, owner: "local")
            try upload.write([compressed[0]])
            try upload.write(Array(compressed.dropFirst()))
            let (sha256, series) = try upload.finish()
            #expect(sha256 == InputHash.sha256Hex(Array(text.utf8)))
            #expect(try series.get().joined().close == [1])
            #expect(upload.size == text.utf8.count)
        }
    }

    /// The hash and the bars of an upload fed in uneven pieces over many small chunks are those
    /// of the whole text read at once, and the stored blob is the same bytes.
    @Test(arguments: [1, 7, 4096, 100_000])
    func piecesAndChunks_giveTheWholeTextsHashAndBars(pieceBytes: Int) throws {
        let bytes = Self.minuteBars(5000, openCycle: 97)
        let upload = DatasetUpload(
            symbol: "S", timeframe: "1m", gzip: false, maxBytes: 1 << 30, owner: "local",
            reader: CSVStreamReader(chunkBytes: 3000, maxInFlight: 2))
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceBytes)
            try upload.write(Array(bytes[offset..<end]))
            offset = end
        }
        let (sha256, series) = try upload.finish()
        let whole = try CSVSeriesReader.read(bytes)
        #expect(sha256 == InputHash.sha256Hex(bytes))
        #expect(try series.get().joined() == whole)
        #expect(try series.get().parts.count > 10)
        #expect(BarsCodec.encode(try series.get()) == BarsCodec.encode(whole))
    }

    /// Chunks cut at whole blocks code their blocks while parsing; the blob is still the one
    /// coded from the whole series, and so is the one coded when a chunk cannot hold whole blocks.
    @Test(arguments: [150_000, 400_000, 1 << 30])
    func precodedBlocks_giveTheSameBlob(chunkBytes: Int) throws {
        let bytes = Self.minuteBars(20_000, openCycle: 997)
        let upload = DatasetUpload(
            symbol: "S", timeframe: "1m", gzip: false, maxBytes: 1 << 30, owner: "local",
            reader: DatasetUpload.reader(chunkBytes: chunkBytes))
        for start in stride(from: 0, to: bytes.count, by: 65536) {
            try upload.write(Array(bytes[start..<min(bytes.count, start + 65536)]))
        }
        let parts = try upload.finish().series.get()
        // 150 kB chunks hold fewer lines than a block: coded at the end instead.
        #expect(parts.codedBlocks?.count == (chunkBytes == 150_000 ? nil : 5))
        #expect((parts.parts.count > 1) == (chunkBytes < bytes.count))
        #expect(BarsCodec.encode(parts) == BarsCodec.encode(try CSVSeriesReader.read(bytes)))
        #expect(BarsCodec.encode(SeriesParts(parts.parts)) == BarsCodec.encode(parts))
    }

    /// The limit counts the text: N bytes pass, N + 1 are refused.
    @Test func limit_atNAndNPlusOne() throws {
        let bytes = Array("timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n".utf8)
        let fits = DatasetUpload(symbol: "S", timeframe: "1h", gzip: false, maxBytes: bytes.count, owner: "local")
        try fits.write(bytes)
        #expect(try fits.finish().series.get().count == 1)
        let over = DatasetUpload(symbol: "S", timeframe: "1h", gzip: false, maxBytes: bytes.count - 1, owner: "local")
        #expect(throws: ServiceError.self) { try over.write(bytes) }
    }
}
