import CSQLite

/// Random access to one stored blob through SQLite's incremental blob I/O: a request for a few
/// bars of a multi-million-bar dataset reads those bytes, not the whole blob.
/// Valid only inside the closure that received it (it lives on the read connection's queue).
public final class BlobReader {
    private let handle: OpaquePointer
    /// The blob's size in bytes.
    public let byteCount: Int

    init(handle: OpaquePointer) {
        self.handle = handle
        byteCount = Int(sqlite3_blob_bytes(handle))
    }

    /// `count` little-endian 64-bit words from word `index`; nil when they are not all inside the blob.
    public func words(from index: Int, count: Int) throws(SQLiteError) -> [UInt64]? {
        guard index >= 0, count >= 0 else { return nil }
        let (end, overflow) = index.addingReportingOverflow(count)
        guard !overflow, end <= byteCount / 8 else { return nil }
        guard count > 0 else { return [] }
        var failure: Int32 = SQLITE_OK
        let words = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            // At most 2^31 - 1 bytes per call: read big ranges in slices.
            var done = 0
            while done < count {
                let take = min(count - done, Int(Int32.max) / 8)
                let status = sqlite3_blob_read(
                    handle, buffer.baseAddress.map { UnsafeMutableRawPointer($0 + done) }, Int32(take * 8),
                    Int32((index + done) * 8))
                if status != SQLITE_OK {
                    failure = status
                    break
                }
                done += take
            }
            if failure == SQLITE_OK {
                for offset in 0..<count { buffer[offset] = UInt64(littleEndian: buffer[offset]) }
                initialized = count
            } else {
                initialized = 0
            }
        }
        guard failure == SQLITE_OK else {
            throw SQLiteError(resultCode: failure, message: "blob read failed", sql: nil)
        }
        return words
    }

    /// `count` bytes from byte `offset`; nil when they are not all inside the blob.
    public func bytes(from offset: Int, count: Int) throws(SQLiteError) -> [UInt8]? {
        guard offset >= 0, count >= 0 else { return nil }
        let (end, overflow) = offset.addingReportingOverflow(count)
        guard !overflow, end <= byteCount, count <= Int(Int32.max) else { return nil }
        guard count > 0 else { return [] }
        var status: Int32 = SQLITE_OK
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = sqlite3_blob_read(handle, buffer.baseAddress, Int32(count), Int32(offset))
            initialized = status == SQLITE_OK ? count : 0
        }
        guard status == SQLITE_OK else {
            throw SQLiteError(resultCode: status, message: "blob read failed", sql: nil)
        }
        return bytes
    }

    /// One little-endian 64-bit word.
    public func word(_ index: Int) throws(SQLiteError) -> UInt64? { try words(from: index, count: 1)?.first }
}

extension Catalog {
    /// Runs `body` with random access to a dataset's bars blob; nil when there is no such dataset.
    public func withDatasetBars<T>(id: String, _ body: (BlobReader) throws -> T) throws -> T? {
        try read { database in
            let lookup = try database.prepare("SELECT rowid FROM datasets WHERE id = ?").bind(.text(id))
            guard try lookup.step() else { return nil }
            let rowID = Int64(lookup.int(0))
            var blob: OpaquePointer?
            let status = sqlite3_blob_open(database.handle, "main", "datasets", "bars", rowID, 0, &blob)
            guard status == SQLITE_OK, let blob else {
                sqlite3_blob_close(blob)
                throw database.error(status, sql: "blob open datasets.bars")
            }
            defer { sqlite3_blob_close(blob) }
            return try body(BlobReader(handle: blob))
        }
    }
}
