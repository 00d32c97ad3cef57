import Foundation
import TestSupport
import Testing

@testable import BacktestService

@Suite struct DatasetUploadUnitTests {
    /// Declared gzip whose first write holds only the first magic byte: recognised once the
    /// second arrives, and the text comes out whole.
    @Test func aOneByteFirstPieceOfDeclaredGzipIsRecognised() throws {
        let text = "timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n"
        let compressed = try gzipped(Array(text.utf8))
        let directory = FileManager.default.temporaryDirectory.path
        for declared in [true, false] {
            let upload = try DatasetUpload(
                directory: directory, symbol: "S", timeframe: "1h", gzip: declared, maxBytes: 1 << 20, owner: "local")
            try upload.write([compressed[0]])
            try upload.write(Array(compressed.dropFirst()))
            _ = try upload.finish()
            #expect(try String(contentsOfFile: upload.path, encoding: .utf8) == text)
            upload.discard()
            #expect(!FileManager.default.fileExists(atPath: upload.path))
        }
    }
}
