import Foundation

/// The bars blobs of a SQLite catalog's datasets, one file each in `<catalog path>-bars/` (named
/// like SQLite's own `-wal` and `-shm`), the row keeping an empty `bars` blob. Why not the
/// column: SQLite writes a 14 MB blob as ~3,400 overflow pages into the WAL, two `pwrite`s each,
/// then fsyncs, and the checkpoint copies it all again; one file written and fsynced costs a
/// fraction of that, at the very end of an upload where it is pure wall time.
///
/// A file is 16 bytes of header (magic, then the blob's length, little-endian) and the blob, so
/// a file cut short or grown is caught when opened. Written under a temporary name, fsynced,
/// renamed and the folder fsynced, all before the row commits: a committed row always has its file.
struct DatasetBarFiles: Sendable {
    static let magic: [UInt8] = Array("BTBARS\u{0}\u{1}".utf8)
    static let headerSize = 16
    static let suffix = ".bars"
    static let temporarySuffix = ".tmp"

    /// `<catalog path>-bars`.
    let folder: String
    /// The folder holding the catalog (synced once the bars folder is created in it).
    let parent: String

    /// nil for an in-memory or URI-named database: its blobs stay inline.
    init?(catalogPath: String) {
        guard !catalogPath.isEmpty, catalogPath != ":memory:", !catalogPath.hasPrefix("file:") else { return nil }
        folder = catalogPath + "-bars"
        let parent = (catalogPath as NSString).deletingLastPathComponent
        self.parent = parent.isEmpty ? "." : parent
    }

    /// Whether `id` can name a file in the folder and nothing else: ASCII letters, digits, `_`
    /// and `-`, at most 128 of them (no `/`, no `.`, so never a path out of the folder).
    static func isFileSafe(_ id: String) -> Bool {
        let bytes = id.utf8
        return !bytes.isEmpty && bytes.count <= 128
            && bytes.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2D
            }
    }

    /// The file of dataset `id`; throws for an id that is no safe file name.
    func path(_ id: String) throws -> String {
        guard Self.isFileSafe(id) else {
            throw DatasetFileError(code: "catalog.invalid", message: "a dataset id that is not a safe file name")
        }
        return folder + "/" + id + Self.suffix
    }

    /// Writes the bars of `id` durably (see the type); on failure leaves no file of `id` behind.
    func write(_ bytes: [UInt8], id: String) throws {
        let final = try path(id)
        let temporary = folder + "/" + id + Self.temporarySuffix
        try makeFolder()
        do {
            let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw DatasetFileError("open", path: temporary) }
            do {
                try Self.header(byteCount: bytes.count).withUnsafeBytes { try Self.writeAll(fd, $0, path: temporary) }
                try bytes.withUnsafeBytes { try Self.writeAll(fd, $0, path: temporary) }
                guard fdatasync(fd) == 0 else { throw DatasetFileError("fdatasync", path: temporary) }
            } catch {
                close(fd)
                throw error
            }
            guard close(fd) == 0 else { throw DatasetFileError("close", path: temporary) }
            guard rename(temporary, final) == 0 else { throw DatasetFileError("rename", path: final) }
            try Self.syncFolder(folder)
        } catch {
            unlink(temporary)
            unlink(final)
            throw error
        }
    }

    /// Removes the file of `id`, if any (best effort: an orphan is swept at the next open).
    func remove(id: String) {
        guard let final = try? path(id) else { return }
        unlink(final)
    }

    /// Opens the file of `id`, checking its header against its size.
    func open(id: String) throws -> DatasetBarFile {
        try DatasetBarFile(path: try path(id))
    }

    /// The whole blob of `id`.
    func read(id: String) throws -> [UInt8] {
        let file = try open(id: id)
        var failure: (any Error)?
        let bytes = [UInt8](unsafeUninitializedCapacity: file.byteCount) { buffer, initialized in
            do {
                try file.read(at: 0, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = file.byteCount
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Removes files no row owns: temporary files (a crash mid-write) and bars files whose id
    /// `hasRow` denies (a crash between the file and its row). Returns how many went.
    @discardableResult
    func sweep(hasRow: (String) throws -> Bool) throws -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return 0 }
        // The folder's own entry may never have been synced (a crash between its mkdir and that
        // sync): synced here once per open, before any row can point into it again.
        try? Self.syncFolder(parent)
        var removed = 0
        for name in names.sorted() {
            let orphan: Bool
            if name.hasSuffix(Self.temporarySuffix) {
                orphan = true
            } else if name.hasSuffix(Self.suffix) {
                orphan = try !hasRow(String(name.dropLast(Self.suffix.count)))
            } else {
                orphan = false
            }
            if orphan && unlink(folder + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    private func makeFolder() throws {
        if mkdir(folder, 0o755) == 0 {
            do { try Self.syncFolder(parent) } catch {
                // Made again (and its entry synced) by the next insert.
                rmdir(folder)
                throw error
            }
        } else if errno != EEXIST {
            throw DatasetFileError("mkdir", path: folder)
        }
    }

    static func header(byteCount: Int) -> [UInt8] {
        magic + withUnsafeBytes(of: UInt64(byteCount).littleEndian) { Array($0) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        do { try DurableFiles.writeAll(fd, bytes, path: path) } catch { throw DatasetFileError(error) }
    }

    private static func syncFolder(_ path: String) throws {
        do { try DurableFiles.syncDirectory(path) } catch { throw DatasetFileError(error) }
    }
}

/// One open bars file: random access to its blob (`pread`, so readers never share a position).
final class DatasetBarFile {
    private let fd: Int32
    private let path: String
    /// The blob's size in bytes (the file's, less its header).
    let byteCount: Int

    /// Throws when the file is missing, is no bars file, or its size disagrees with its header.
    init(path: String) throws {
        let fd = Foundation.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = errno
            throw DatasetFileError(
                "open", path: path, errorNumber: reason, code: reason == ENOENT ? "catalog.corrupt" : "catalog.io")
        }
        self.fd = fd
        self.path = path
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            close(fd)
            throw DatasetFileError("fstat", path: path)
        }
        var header = [UInt8](repeating: 0, count: DatasetBarFiles.headerSize)
        let size = Int(status.st_size)
        do {
            guard size >= DatasetBarFiles.headerSize else { throw Self.damaged(path, "is shorter than its header") }
            try header.withUnsafeMutableBytes { try Self.readAll(fd, $0, at: 0, path: path) }
        } catch {
            close(fd)
            throw error
        }
        let length = header[8..<16].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard Array(header[0..<8]) == DatasetBarFiles.magic, length == UInt64(size - DatasetBarFiles.headerSize) else {
            close(fd)
            throw Self.damaged(path, "has a size other than its header says")
        }
        byteCount = size - DatasetBarFiles.headerSize
    }

    deinit { close(fd) }

    /// Reads `buffer.count` bytes of the blob from `offset` (a range inside the blob).
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        try Self.readAll(fd, buffer, at: offset + DatasetBarFiles.headerSize, path: path)
    }

    private static func readAll(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String)
        throws
    {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let count = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw DatasetFileError("pread", path: path) }
            guard count > 0 else { throw damaged(path, "ends early") }
            done += count
        }
    }

    private static func damaged(_ path: String, _ what: String) -> DatasetFileError {
        DatasetFileError(code: "catalog.corrupt", message: "the bars file \(path) \(what)")
    }
}
