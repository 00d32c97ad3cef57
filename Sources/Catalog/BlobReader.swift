import CSQLite

/// Random access to one stored blob: a request for a few bars of a multi-million-bar dataset
/// reads those bytes, not the whole blob (SQLite: `pread` of the dataset's bars file, or
/// incremental blob I/O for a blob stored inline; PostgreSQL: `substring`
/// of an uncompressed out-of-line `bytea`, which fetches only the chunks it covers).
/// Valid only inside the closure that received it (it lives on a read connection's queue).
public final class BlobReader {
    /// Reads `count` bytes at `offset` into the buffer (the range is known to be inside the blob).
    typealias Source = (_ offset: Int, _ buffer: UnsafeMutableRawBufferPointer) throws -> Void

    private let source: Source
    /// The blob's size in bytes.
    public let byteCount: Int

    init(byteCount: Int, source: @escaping Source) {
        self.byteCount = byteCount
        self.source = source
    }

    /// `count` little-endian 64-bit words from word `index`; nil when they are not all inside the blob.
    public func words(from index: Int, count: Int) throws -> [UInt64]? {
        guard index >= 0, count >= 0 else { return nil }
        let (end, overflow) = index.addingReportingOverflow(count)
        guard !overflow, end <= byteCount / 8 else { return nil }
        guard count > 0 else { return [] }
        var failure: (any Error)?
        let words = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            // At most 2^31 - 1 bytes per call: read big ranges in slices.
            var done = 0
            while done < count {
                let take = min(count - done, Int(Int32.max) / 8)
                do {
                    try source(
                        (index + done) * 8,
                        UnsafeMutableRawBufferPointer(
                            start: buffer.baseAddress.map { UnsafeMutableRawPointer($0 + done) }, count: take * 8))
                } catch {
                    failure = error
                    break
                }
                done += take
            }
            if failure == nil {
                for offset in 0..<count { buffer[offset] = UInt64(littleEndian: buffer[offset]) }
                initialized = count
            } else {
                initialized = 0
            }
        }
        if let failure { throw failure }
        return words
    }

    /// `count` bytes from byte `offset`; nil when they are not all inside the blob.
    public func bytes(from offset: Int, count: Int) throws -> [UInt8]? {
        guard offset >= 0, count >= 0 else { return nil }
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= byteCount, count <= Int(Int32.max) else { return nil }
        guard count > 0 else { return [] }
        var failure: (any Error)?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                try source(offset, UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// One little-endian 64-bit word.
    public func word(_ index: Int) throws -> UInt64? { try words(from: index, count: 1)?.first }
}

extension Catalog {
    /// Runs `body` with random access to a dataset's bars blob; nil when there is no such dataset.
    public func withDatasetBars<T>(id: String, _ body: (BlobReader) throws -> T) throws -> T? {
        try read { database in
            if let sqlite = database as? Database { return try withSQLiteBlob(sqlite, id: id, body) }
            let size = try database.prepare("SELECT octet_length(bars) FROM datasets WHERE id = ?").bind(.text(id))
            guard try size.step() else { return nil }
            let reader = BlobReader(byteCount: size.int(0)) { offset, buffer in
                // substring() counts from 1.
                let slice = try database.prepare("SELECT substring(bars FROM ? FOR ?) FROM datasets WHERE id = ?")
                    .bind(.integer(offset + 1), .integer(buffer.count), .text(id))
                let bytes = try slice.step() ? slice.blob(0) : []
                guard bytes.count == buffer.count else {
                    throw PostgresError(sqlState: "XX001", message: "the bars blob changed while read", sql: nil)
                }
                buffer.copyBytes(from: bytes)
            }
            return try body(reader)
        }
    }

    private func withSQLiteBlob<T>(_ database: Database, id: String, _ body: (BlobReader) throws -> T) throws -> T? {
        let lookup = try database.prepare("SELECT rowid, length(bars) FROM datasets WHERE id = ?").bind(.text(id))
        guard try lookup.step() else { return nil }
        let rowID = Int64(lookup.int(0))
        // An empty blob is never a valid one: the bars are in the dataset's file.
        if lookup.int(1) == 0 {
            guard let barFiles else { throw Self.barsFolderMissing(id) }
            let file = try barFiles.open(id: id)
            return try body(
                BlobReader(byteCount: file.byteCount) { offset, buffer in try file.read(at: offset, into: buffer) })
        }
        var opened: OpaquePointer?
        let status = sqlite3_blob_open(database.handle, "main", "datasets", "bars", rowID, 0, &opened)
        guard status == SQLITE_OK, let blob = opened else {
            sqlite3_blob_close(opened)
            throw database.error(status, sql: "blob open datasets.bars")
        }
        defer { sqlite3_blob_close(blob) }
        let reader = BlobReader(byteCount: Int(sqlite3_blob_bytes(blob))) { offset, buffer in
            let status = sqlite3_blob_read(blob, buffer.baseAddress, Int32(buffer.count), Int32(offset))
            guard status == SQLITE_OK else {
                throw SQLiteError(resultCode: status, message: "blob read failed", sql: nil)
            }
        }
        return try body(reader)
    }
}
