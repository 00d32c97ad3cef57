import Foundation

/// Writing files so that a crash or power loss leaves either no file or the whole one (write,
/// sync, rename, sync the directory). The catalog's bars files and the service's artifact files
/// both write through these.
public enum DurableFiles {
    /// A failed system call on a file: which call, on which path, and its `errno`.
    public struct Failure: Error, CustomStringConvertible {
        public let operation: String
        public let path: String
        public let errorNumber: Int32

        public init(_ operation: String, path: String, errorNumber: Int32 = errno) {
            self.operation = operation
            self.path = path
            self.errorNumber = errorNumber
        }

        public var description: String { "\(operation) \(path): \(String(cString: strerror(errorNumber)))" }
    }

    /// Writes all of `bytes` to `fd` (`path` names it in errors), retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(Failure) {
        guard let base = bytes.baseAddress else { return }
        var written = 0
        while written < bytes.count {
            let count = Foundation.write(fd, base + written, bytes.count - written)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure("write", path: path) }
            written += count
        }
    }

    /// Syncs the directory at `path`, which makes the entries made or renamed in it durable.
    public static func syncDirectory(_ path: String) throws(Failure) {
        let fd = Foundation.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure("open", path: path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure("fsync", path: path) }
    }
}
