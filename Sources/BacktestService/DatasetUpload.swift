import Crypto
import Foundation

/// One `POST /datasets` body on its way to the catalog: each piece is decompressed when gzip,
/// hashed (SHA-256 of the CSV text) and appended to a temporary file as it arrives, so neither the
/// body nor its hash waits for the end. The file is removed when the upload is released, whatever
/// way the request ended.
///
/// `@unchecked Sendable`: one request's handler owns it and uses it one step at a time (it may
/// hand the last step to another thread, awaiting it); nothing else ever sees it.
public final class DatasetUpload: @unchecked Sendable {
    public let path: String
    let symbol: String
    let timeframe: String?
    /// Who the dataset will belong to.
    let owner: String
    private let maxBytes: Int
    private let gzipDeclared: Bool
    private var fd: Int32
    private var hasher = SHA256()
    private var inflater: GzipInflater?
    private var decided = false
    /// The first byte, kept when the first piece held only one (gzip is recognised by two).
    private var head: [UInt8] = []
    /// CSV bytes written (after decompression).
    private(set) var size = 0

    init(directory: String, symbol: String, timeframe: String?, gzip: Bool, maxBytes: Int, owner: String)
        throws(ServiceError)
    {
        path = directory + "/upload-" + UUID().uuidString + ".csv"
        self.symbol = symbol
        self.timeframe = timeframe
        self.owner = owner
        self.maxBytes = maxBytes
        gzipDeclared = gzip
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ServiceError.internalError }
    }

    deinit { discard() }

    /// Closes and removes the temporary file (again is harmless): as soon as the import is over,
    /// not whenever the last reference goes.
    func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(path)
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

    /// Counts, hashes and writes CSV bytes; the decompressed size counts against the limit, so a
    /// small gzip bomb is refused like a large body.
    private func append(_ bytes: UnsafeRawBufferPointer) throws(ServiceError) {
        let (total, overflow) = size.addingReportingOverflow(bytes.count)
        guard !overflow, total <= maxBytes else {
            throw ServiceError(
                code: "payload_too_large", message: "the CSV is larger than \(maxBytes) bytes (after decompression)")
        }
        size = total
        hasher.update(bufferPointer: bytes)
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(fd, bytes.baseAddress?.advanced(by: offset), bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                if errno == ENOSPC || errno == EDQUOT {
                    throw ServiceError(
                        code: "insufficient_storage", message: "the disk is full: the upload was not stored",
                        retryAfterSeconds: 60)
                }
                throw ServiceError(code: "internal", message: "cannot write the upload: errno \(errno)")
            }
            offset += written
        }
    }

    /// Ends the body: the SHA-256 (hex) of the CSV text.
    func finish() throws(ServiceError) -> String {
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
        close(fd)
        fd = -1
        return hasher.finalize().map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
