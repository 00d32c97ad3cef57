import Foundation

/// Files mapped read-only into memory: the pages come from the page cache and are given back under
/// pressure, so reading a large upload costs no copy of it on the heap.
enum MappedFile {
    /// Runs `body` over the contents of `path`, mapped only for the duration of the call.
    static func withContents<T>(
        of path: String, _ body: (UnsafeRawBufferPointer) throws(ServiceError) -> T
    ) throws(ServiceError) -> T {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ServiceError.internalError }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ServiceError.internalError }
        let count = Int(info.st_size)
        guard count > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        // Populated at once: one call maps the pages already in the page cache (a just-written
        // upload), instead of a fault for every 4 KiB page as the parser reaches it.
        guard let base = mmap(nil, count, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), base != MAP_FAILED else {
            throw ServiceError.internalError
        }
        defer { munmap(base, count) }
        _ = madvise(base, count, MADV_SEQUENTIAL)
        return try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
