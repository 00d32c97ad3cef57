import Foundation
import Synchronization

/// Writes whole lines to a file descriptor in batches from its own queue (every 50 ms and on
/// `flush()`), so a request path never makes a system call for a log line and never blocks on
/// a slow reader of stdout: past 4 MiB waiting, lines are dropped and counted instead.
///
/// `@unchecked Sendable`: `timer` is set once in `init` and only cancelled in `deinit`;
/// the pending lines are behind a `Mutex`.
public final class LineWriter: @unchecked Sendable {
    private struct Pending {
        var bytes: [UInt8] = []
        var dropped = 0
    }

    private let fd: Int32
    private let pending = Mutex(Pending())
    private let queue = DispatchQueue(label: "backtestd.log-writer")
    private let timer: DispatchSourceTimer
    private static let maxPendingBytes = 4 << 20

    public init(fd: Int32 = 1) {
        self.fd = fd
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(50), repeating: .milliseconds(50))
        timer.setEventHandler { [weak self] in self?.drain() }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// Queues one line (a newline is added).
    public func write(_ line: String) {
        pending.withLock { state in
            guard state.bytes.count < Self.maxPendingBytes else {
                state.dropped += 1
                return
            }
            state.bytes.append(contentsOf: line.utf8)
            state.bytes.append(10)
        }
    }

    /// Queues bytes that are already whole newline-terminated lines.
    public func write(lines: [UInt8]) {
        pending.withLock { state in
            guard state.bytes.count < Self.maxPendingBytes else {
                state.dropped += lines.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                return
            }
            state.bytes.append(contentsOf: lines)
        }
    }

    /// Writes out everything queued and waits for it.
    public func flush() {
        queue.sync { drain() }
    }

    private func drain() {
        let (bytes, dropped) = pending.withLock { state -> ([UInt8], Int) in
            let taken = (state.bytes, state.dropped)
            state.bytes.removeAll(keepingCapacity: true)
            state.dropped = 0
            return taken
        }
        var all = bytes
        if dropped > 0 {
            all += Array(#"{"level":"warning","msg":"log lines dropped","dropped":\#(dropped)}"#.utf8) + [10]
        }
        var offset = 0
        while offset < all.count {
            let written = all[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}
