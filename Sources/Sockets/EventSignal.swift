import CSystemLinux
import Glibc

/// An eventfd another thread writes to so that a sleeping event loop wakes up.
public final class EventSignal: Sendable {
    /// The descriptor to register with a poller.
    public let fd: Int32

    public init() throws(SocketError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard fd >= 0 else { throw SocketError.capture("eventfd") }
        self.fd = fd
    }

    deinit { Glibc.close(fd) }

    /// Wakes the loop; safe from any thread.
    public func notify() {
        var one: UInt64 = 1
        _ = Glibc.write(fd, &one, 8)
    }

    /// Clears pending notifications; called by the loop that owns it.
    public func drain() {
        var value: UInt64 = 0
        _ = Glibc.read(fd, &value, 8)
    }
}
