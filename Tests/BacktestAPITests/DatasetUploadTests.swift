import BacktestAPI
import BacktestEngine
import BacktestService
import Foundation
import TestSupport
import Testing

/// A raw `POST /datasets` with a byte body.
func postDataset(
    _ port: UInt16, query: String, body: [UInt8], headers: [String] = ["Content-Type: text/csv"]
) throws -> TestClient.Response {
    let client = try TestClient(port: port, timeout: 60)
    var head = "POST /datasets?\(query) HTTP/1.1\r\nHost: t\r\nContent-Length: \(body.count)\r\n"
    for header in headers { head += header + "\r\n" }
    try client.send(head + "\r\n")
    try client.send(body)
    return try client.readResponse()
}

/// Files under `<data dir>/uploads` (where earlier versions spooled bodies; nothing is written there now).
func uploadsLeft(_ directory: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: directory + "/uploads")) ?? []
}

@Suite struct DatasetUploadTests {
    static let csv = Array(randomWalkCSV(bars: 2000, seed: 11).utf8)

    @Test func gzip_declaredOrRecognisedByMagicStoresTheSameDataset() async throws {
        let directory = Paths.temporaryDirectory()
        try await withRunningService(directory: directory) { port, _ in
            let plain = try postDataset(port, query: "symbol=GZ&timeframe=1h", body: Self.csv)
            #expect(plain.status == 201)
            let compressed = try gzipped(Self.csv)
            #expect(compressed.count < Self.csv.count / 2)
            let declared = try postDataset(
                port, query: "symbol=GZ&timeframe=1h", body: compressed,
                headers: ["Content-Type: text/csv", "Content-Encoding: gzip"])
            // Identity is the CSV text, so the gzip of the same text is the same dataset.
            #expect(declared.status == 200)
            #expect(try json(declared)["dataset_id"] == json(plain)["dataset_id"])
            let sniffed = try postDataset(
                port, query: "symbol=GZ2&timeframe=1h", body: compressed, headers: ["Content-Type: application/gzip"])
            #expect(sniffed.status == 201)
            #expect(try json(sniffed)["rows"] == 2000)
            #expect(try json(sniffed)["sha256"] == json(plain)["sha256"])
            // Two members one after the other read as one stream, as gunzip reads them.
            let half = Self.csv.count / 2
            let split = Self.csv[..<half].lastIndex(of: 10).map { $0 + 1 } ?? half
            let members = try gzipped(Array(Self.csv[..<split])) + gzipped(Array(Self.csv[split...]))
            let twoMembers = try postDataset(port, query: "symbol=GZ3&timeframe=1h", body: members)
            #expect(twoMembers.status == 201)
            #expect(try json(twoMembers)["rows"] == 2000)
            #expect(uploadsLeft(directory).isEmpty)
        }
    }

    @Test func gzip_badOrTruncatedIsRefusedWithAClearMessage() async throws {
        let directory = Paths.temporaryDirectory()
        try await withRunningService(directory: directory) { port, _ in
            let before = try json(try call(port, "GET", "/datasets"))["datasets"]?.array?.count
            let compressed = try gzipped(Self.csv)
            let truncated = try postDataset(
                port, query: "symbol=T&timeframe=1h", body: Array(compressed.dropLast(20)))
            #expect(truncated.status == 400)
            #expect(truncated.text.contains("truncated"))
            var corrupt = compressed
            corrupt[corrupt.count / 2] ^= 0xff
            corrupt[corrupt.count / 2 + 1] ^= 0xff
            let bad = try postDataset(port, query: "symbol=T&timeframe=1h", body: corrupt)
            #expect(bad.status == 400)
            #expect(bad.text.contains("not valid gzip"))
            let notGzip = try postDataset(
                port, query: "symbol=T&timeframe=1h", body: Self.csv,
                headers: ["Content-Type: text/csv", "Content-Encoding: gzip"])
            #expect(notGzip.status == 400)
            let unknown = try postDataset(
                port, query: "symbol=T&timeframe=1h", body: Self.csv,
                headers: ["Content-Type: text/csv", "Content-Encoding: br"])
            #expect(unknown.status == 415)
            #expect(try json(try call(port, "GET", "/datasets"))["datasets"]?.array?.count == before)
            #expect(uploadsLeft(directory).isEmpty)
        }
    }

    @Test func limit_atNAndNPlusOneOnTheWireAndAfterDecompression() async throws {
        let limit = Self.csv.count
        try await withRunningService(maxDatasetBytes: limit) { port, _ in
            #expect(try postDataset(port, query: "symbol=N&timeframe=1h", body: Self.csv).status == 201)
            let over = try postDataset(port, query: "symbol=N1&timeframe=1h", body: Self.csv + [10])
            #expect(over.status == 413)
            // N after decompression: accepted; N + 1: refused although the gzip is small.
            #expect(try postDataset(port, query: "symbol=GN&timeframe=1h", body: try gzipped(Self.csv)).status == 201)
            let bomb = try postDataset(port, query: "symbol=GN1&timeframe=1h", body: try gzipped(Self.csv + [10]))
            #expect(bomb.status == 413)
            #expect(bomb.text.contains("after decompression"))
        }
        // A real bomb: 64 MiB of zeros in well under 1 MiB of gzip, against a 1 MiB limit.
        try await withRunningService(maxDatasetBytes: 1 << 20) { port, _ in
            let bomb = try gzipped([UInt8](repeating: 48, count: 64 << 20))
            #expect(bomb.count < 1 << 20)
            #expect(try postDataset(port, query: "symbol=B&timeframe=1h", body: bomb).status == 413)
        }
    }

    @Test func nothingSpooledOrHalfStored_onEveryPath() async throws {
        let directory = Paths.temporaryDirectory()
        // A file an earlier version's crash left behind goes at start-up.
        try FileManager.default.createDirectory(atPath: directory + "/uploads", withIntermediateDirectories: true)
        #expect(
            FileManager.default.createFile(atPath: directory + "/uploads/upload-stale.csv", contents: Data([1, 2, 3])))
        try await withRunningService(directory: directory) { port, _ in
            #expect(!FileManager.default.fileExists(atPath: directory + "/uploads"))
            #expect(try postDataset(port, query: "symbol=OK&timeframe=1h", body: Self.csv).status == 201)
            let bad = Array("timestamp,open,high,low,close,volume\nnope,1,2,3,4,5\n".utf8)
            #expect(try postDataset(port, query: "symbol=BAD&timeframe=1h", body: bad).status == 422)
            // The client leaves halfway through its body (past a chunk, so some of it was parsed).
            let large = Array(randomWalkCSV(bars: 120_000, seed: 5).utf8)
            #expect(large.count > CSVStreamReader.defaultChunkBytes + 1)
            do {
                let client = try TestClient(port: port)
                try client.send(
                    "POST /datasets?symbol=GONE&timeframe=1h HTTP/1.1\r\nHost: t\r\nContent-Length: \(large.count)\r\n\r\n"
                )
                try client.send(Array(large.prefix(large.count - 1000)))
            }
            Thread.sleep(forTimeInterval: 0.5)
            #expect(uploadsLeft(directory).isEmpty)
            let names = try json(try call(port, "GET", "/datasets"))["datasets"]?.array?.compactMap {
                $0["symbol"]?.string
            }
            #expect(names?.contains("OK") == true)
            #expect(names?.contains("GONE") == false)
            #expect(names?.contains("BAD") == false)
        }
    }

    @Test func largeUpload_streamsPastTheJSONBodyLimit() async throws {
        // 20 MiB of CSV, twice the JSON body limit, chunked so no length is announced.
        let csv = Array(randomWalkCSV(bars: 250_000, seed: 3).utf8)
        #expect(csv.count > 10 << 20)
        try await withRunningService { port, _ in
            let client = try TestClient(port: port, timeout: 120)
            try client.send(
                "POST /datasets?symbol=BIG&timeframe=1h HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
            var offset = 0
            while offset < csv.count {
                let end = min(offset + 1_000_000, csv.count)
                try client.send(String(end - offset, radix: 16) + "\r\n")
                try client.send(Array(csv[offset..<end]))
                try client.send("\r\n")
                offset = end
            }
            try client.send("0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 201)
            #expect(try json(response)["rows"] == 250_000)
        }
    }
}

@Suite struct GzipSplitTests {
    /// A declared gzip body whose first piece holds one byte (a chunk or TCP segment boundary
    /// right after the first magic byte) is still recognised.
    @Test func aDeclaredGzipBodyArrivingOneByteFirstIsAccepted() async throws {
        let csv = Array(randomWalkCSV(bars: 300, seed: 21).utf8)
        try await withRunningService { port, _ in
            let compressed = try gzipped(csv)
            let client = try TestClient(port: port, timeout: 30)
            try client.send(
                "POST /datasets?symbol=SPLIT&timeframe=1h HTTP/1.1\r\nHost: t\r\nContent-Type: text/csv\r\n"
                    + "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send(Array("1\r\n".utf8) + [compressed[0]] + Array("\r\n".utf8))
            Thread.sleep(forTimeInterval: 0.3)
            let rest = compressed.dropFirst()
            try client.send(Array((String(rest.count, radix: 16) + "\r\n").utf8) + rest + Array("\r\n0\r\n\r\n".utf8))
            let response = try client.readResponse()
            #expect(response.status == 201)
            #expect(try json(response)["rows"] == 300)
        }
    }
}
