import Foundation
import Synchronization

/// Writes whole lines to a file descriptor in batches, so a busy server does not make one
/// system call per access-log line; flushed at least every 100 ms and on `flush()`.
/// `@unchecked Sendable`: `timer` is set once in `init` and only cancelled in `deinit`;
/// the buffer is behind a `Mutex`.
public final class LineWriter: @unchecked Sendable {
    private let fd: Int32
    private let buffer = Mutex<[UInt8]>([])
    private let timer: DispatchSourceTimer

    public init(fd: Int32 = 1) {
        self.fd = fd
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "backtestd.log-flush"))
        timer.schedule(deadline: .now() + .milliseconds(100), repeating: .milliseconds(100))
        timer.setEventHandler { [weak self] in self?.flush() }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// Queues one line (a newline is added).
    public func write(_ line: String) {
        let full = buffer.withLock { bytes -> Bool in
            bytes.append(contentsOf: line.utf8)
            bytes.append(10)
            return bytes.count > 64 * 1024
        }
        if full { flush() }
    }

    /// Writes out everything queued.
    public func flush() {
        let bytes = buffer.withLock { bytes -> [UInt8] in
            let taken = bytes
            bytes.removeAll(keepingCapacity: true)
            return taken
        }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}
