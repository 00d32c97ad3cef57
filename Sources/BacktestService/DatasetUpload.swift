import BacktestEngine
import Crypto
import Foundation

/// One `POST /datasets` body on its way to the catalog: each piece is decompressed when gzip,
/// hashed (SHA-256 of the CSV text) and fed to a `CSVStreamReader` as it arrives, which parses
/// chunks of it on other threads while the rest arrives. Nothing is written to disk before the
/// whole file has parsed, and only whole chunks of text are held, never the file.
///
/// `@unchecked Sendable`: one request's handler owns it and uses it one step at a time (it may
/// hand the last step to another thread, awaiting it); nothing else ever sees it.
public final class DatasetUpload: @unchecked Sendable {
    let symbol: String
    let timeframe: String?
    /// Who the dataset will belong to.
    let owner: String
    private let maxBytes: Int
    private let gzipDeclared: Bool
    private var hasher = SHA256()
    private var inflater: GzipInflater?
    private let reader: CSVStreamReader
    private var decided = false
    /// The first byte, kept when the first piece held only one (gzip is recognised by two).
    private var head: [UInt8] = []
    /// CSV bytes received (after decompression).
    private(set) var size = 0

    init(
        symbol: String, timeframe: String?, gzip: Bool, maxBytes: Int, owner: String,
        reader: CSVStreamReader = DatasetUpload.reader()
    ) {
        self.symbol = symbol
        self.timeframe = timeframe
        self.owner = owner
        self.maxBytes = maxBytes
        self.reader = reader
        gzipDeclared = gzip
    }

    /// The reader of an upload: each chunk also codes its blocks of the stored blob in its own
    /// job, so coding overlaps receiving instead of following it.
    static func reader(chunkBytes: Int = CSVStreamReader.defaultChunkBytes) -> CSVStreamReader {
        CSVStreamReader(
            chunkBytes: chunkBytes, blockBars: BarBlocks.defaultBlockBars,
            codeBlocks: { series, scales in BarBlocks.codeChunk(series, scales: scales) })
    }

    /// Takes the next piece of the body.
    public func write(_ piece: [UInt8]) throws(ServiceError) {
        if !decided {
            head += piece
            // gzip is recognised by two bytes, declared or not: a first piece of one byte waits.
            guard head.count >= 2 else { return }
            try decide()
            let first = head
            head = []
            return try consume(first)
        }
        try consume(piece)
    }

    /// gzip when the request says so or the body starts with its magic bytes (a `.csv.gz` sent as is).
    private func decide() throws(ServiceError) {
        decided = true
        let magic = head.count >= 2 && head[0] == 0x1f && head[1] == 0x8b
        guard gzipDeclared || magic else { return }
        guard magic else { throw ServiceError.badRequest("Content-Encoding is gzip but the body is not gzip") }
        do { inflater = try GzipInflater() } catch { throw ServiceError.internalError }
    }

    private func consume(_ piece: [UInt8]) throws(ServiceError) {
        do {
            if let inflater {
                try inflater.inflate(piece) { try append($0) }
            } else {
                try piece.withUnsafeBytes { try append($0) }
            }
        } catch let error as ServiceError {
            throw error
        } catch let error as GzipInflater.Invalid {
            throw ServiceError.badRequest("the body is not valid gzip: \(error.message)")
        } catch {
            throw ServiceError.internalError
        }
    }

    /// Counts, hashes and parses CSV bytes; the decompressed size counts against the limit, so a
    /// small gzip bomb is refused like a large body.
    private func append(_ bytes: UnsafeRawBufferPointer) throws(ServiceError) {
        let (total, overflow) = size.addingReportingOverflow(bytes.count)
        guard !overflow, total <= maxBytes else {
            throw ServiceError(
                code: "payload_too_large", message: "the CSV is larger than \(maxBytes) bytes (after decompression)")
        }
        size = total
        hasher.update(bufferPointer: bytes)
        reader.feed(bytes)
    }

    /// Ends the body: the SHA-256 (hex) of the CSV text, and its bars (or the reader's problems).
    func finish() throws(ServiceError) -> (sha256: String, series: Result<SeriesParts, EngineError>) {
        if !decided { try decide() }
        if !head.isEmpty {
            let rest = head
            head = []
            try consume(rest)
        }
        if let inflater {
            do { try inflater.finish() } catch {
                throw ServiceError.badRequest("the body is not valid gzip: \(error.message)")
            }
        }
        let series = Result { () throws(EngineError) in try reader.finish() }
        let sha256 = hasher.finalize().map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
        return (sha256, series)
    }
}
