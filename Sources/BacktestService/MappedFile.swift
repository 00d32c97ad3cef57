import Foundation

/// A file mapped read-only into memory: its pages come from the page cache and are given back
/// under pressure, so reading a large upload costs no copy of it on the heap.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws(ServiceError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ServiceError.internalError }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ServiceError.internalError }
        let count = Int(info.st_size)
        guard count > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw ServiceError.internalError
        }
        _ = madvise(base, count, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: base, count: count)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
