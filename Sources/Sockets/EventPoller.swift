import CSystemLinux
import Glibc

/// An epoll instance: register descriptors for readiness and wait for events.
/// Not thread-safe by design: one event loop owns one poller.
public final class EventPoller {
    /// Readiness reported for one descriptor.
    public struct Event: Sendable {
        public let fd: Int32
        public let readable: Bool
        public let writable: Bool
        public let hangup: Bool
    }

    private let epollFD: Int32
    private var events: [epoll_event]

    public init(capacity: Int = 512) throws(SocketError) {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SocketError.capture("epoll_create1") }
        epollFD = fd
        events = [epoll_event](repeating: epoll_event(), count: capacity)
    }

    deinit { Glibc.close(epollFD) }

    private func mask(read: Bool, write: Bool, exclusive: Bool) -> UInt32 {
        // EPOLLEXCLUSIVE admits only IN/OUT/ET/WAKEUP alongside it.
        var value = exclusive ? 0 : UInt32(EPOLLRDHUP.rawValue)
        if read { value |= UInt32(EPOLLIN.rawValue) }
        if write { value |= UInt32(EPOLLOUT.rawValue) }
        if exclusive { value |= UInt32(EPOLLEXCLUSIVE.rawValue) }
        return value
    }

    /// Starts watching `fd`. `exclusive` wakes only one of several pollers sharing a listener.
    public func add(_ fd: Int32, read: Bool = true, write: Bool = false, exclusive: Bool = false) throws(SocketError) {
        var event = epoll_event()
        event.events = mask(read: read, write: write, exclusive: exclusive)
        event.data.fd = fd
        guard epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 else { throw SocketError.capture("epoll_ctl_add") }
    }

    /// Changes the interest set of a watched descriptor.
    public func modify(_ fd: Int32, read: Bool, write: Bool) {
        var event = epoll_event()
        event.events = mask(read: read, write: write, exclusive: false)
        event.data.fd = fd
        _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Stops watching a descriptor.
    public func remove(_ fd: Int32) {
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    /// Waits up to `timeoutMilliseconds` and returns the ready descriptors.
    public func wait(timeoutMilliseconds: Int32) -> [Event] {
        let count = events.withUnsafeMutableBufferPointer {
            epoll_wait(epollFD, $0.baseAddress, Int32($0.count), timeoutMilliseconds)
        }
        guard count > 0 else { return [] }
        var ready: [Event] = []
        ready.reserveCapacity(Int(count))
        let hangupMask = UInt32(EPOLLHUP.rawValue) | UInt32(EPOLLERR.rawValue)
        for index in 0..<Int(count) {
            let flags = events[index].events
            ready.append(
                Event(
                    fd: events[index].data.fd,
                    readable: flags & (UInt32(EPOLLIN.rawValue) | UInt32(EPOLLRDHUP.rawValue)) != 0,
                    writable: flags & UInt32(EPOLLOUT.rawValue) != 0,
                    hangup: flags & hangupMask != 0))
        }
        return ready
    }
}
