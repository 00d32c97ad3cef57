import Foundation
import Sockets
import Synchronization

/// One thread running epoll over the listener (shared, `EPOLLEXCLUSIVE`) and the connections it accepted.
///
/// `@unchecked Sendable`: everything except `inbox` and `signal` is touched only on the loop's own
/// thread; other threads reach it solely through `execute`, which goes through the `Mutex`.
final class EventLoop: @unchecked Sendable {
    let core: ServerCore
    let poller: EventPoller
    private let signal: EventSignal
    private let inbox = Mutex<[@Sendable () -> Void]>([])
    private let stopped = DispatchSemaphore(value: 0)
    private var connections: [Int32: Connection] = [:]
    private var nextConnectionID: UInt64 = 0
    private var requestCounter: UInt64 = 0
    private let requestPrefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    private var dateCache = HTTPDate()
    private var lastSweep = 0.0
    private var logLines: [UInt8] = []
    private(set) var now = MonotonicClock.now()
    private(set) var draining = false
    private var running = true
    private var listening = true
    /// While accepting fails for lack of descriptors, the listener is out of the poller until then.
    private var acceptPausedUntil: Double?
    private var acceptBackoff = AcceptBackoff()
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    /// This loop's metric handles (nil when the server records none).
    let requestMetrics: RequestMetrics?

    init(core: ServerCore) throws(SocketError) {
        self.core = core
        requestMetrics = core.metrics.map { RequestMetrics(factory: $0, router: core.router) }
        poller = try EventPoller()
        signal = try EventSignal()
        try poller.add(signal.fd)
        try poller.add(core.listener, exclusive: true)
    }

    deinit { readBuffer.deallocate() }

    func start(name: String) {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Runs `work` on the loop thread.
    func execute(_ work: @escaping @Sendable () -> Void) {
        inbox.withLock { $0.append(work) }
        signal.notify()
    }

    /// Blocks until the loop thread has exited.
    func waitUntilStopped() { stopped.wait() }

    func connection(_ fd: Int32, id: UInt64) -> Connection? {
        guard let connection = connections[fd], connection.id == id else { return nil }
        return connection
    }

    var date: String { dateCache.current(now: Int(Date().timeIntervalSince1970)) }

    /// Queues an access-log line; handed to the sink once per loop iteration.
    func log(_ entry: AccessLogEntry) {
        entry.appendJSONLine(to: &logLines)
    }

    func makeRequestID() -> String {
        requestCounter &+= 1
        return requestPrefix + "-" + String(requestCounter, radix: 16)
    }

    private func run() {
        while running {
            let events = poller.wait(timeoutMilliseconds: waitMilliseconds)
            now = MonotonicClock.now()
            if let until = acceptPausedUntil, now >= until { resumeAccepting() }
            for event in events {
                if event.fd == signal.fd {
                    signal.drain()
                } else if event.fd == core.listener {
                    acceptConnections()
                } else if let connection = connections[event.fd] {
                    connection.handle(event)
                }
            }
            let work = inbox.withLock { queue -> [@Sendable () -> Void] in
                let taken = queue
                queue.removeAll()
                return taken
            }
            for item in work { item() }
            if !logLines.isEmpty, let sink = core.accessLog {
                sink(logLines)
                logLines.removeAll(keepingCapacity: true)
            }
            if now - lastSweep >= 0.25 {
                lastSweep = now
                for connection in Array(connections.values) { connection.checkTimeouts(now: now) }
            }
        }
        for connection in Array(connections.values) { connection.close() }
        if !logLines.isEmpty { core.accessLog?(logLines) }
        stopped.signal()
    }

    /// How long `epoll_wait` may sleep: the sweep period, or less when accepting resumes sooner.
    private var waitMilliseconds: Int32 {
        guard let until = acceptPausedUntil else { return 250 }
        return Int32(max(0, min(250, ((until - now) * 1000).rounded(.up))))
    }

    private func acceptConnections() {
        guard listening else { return }
        for _ in 0..<64 {
            let accepted: (fd: Int32, peer: String)?
            do { accepted = try Socket.accept(core.listener) } catch {
                if AcceptBackoff.isExhaustion(error.errno) { pauseAccepting(error) }
                return
            }
            guard let (fd, peer) = accepted else {
                // The backlog is drained: a shortage episode, if any, is over.
                if acceptBackoff.recovered(), core.acceptShortage.exchange(false, ordering: .relaxed) {
                    core.logger.info("accepting connections again")
                }
                return
            }
            let count = core.openConnections.wrappingAdd(1, ordering: .relaxed).newValue
            if count > core.configuration.maxConnections || draining {
                core.openConnections.wrappingSubtract(1, ordering: .relaxed)
                Socket.close(fd)
                continue
            }
            nextConnectionID &+= 1
            let connection = Connection(fd: fd, id: nextConnectionID, peer: peer, loop: self)
            do {
                try poller.add(fd)
            } catch {
                core.openConnections.wrappingSubtract(1, ordering: .relaxed)
                Socket.close(fd)
                continue
            }
            connections[fd] = connection
            core.connectionMeter?.increment()
        }
    }

    /// Out of descriptors: the listener stays readable, so polling it would spin a core. Stop
    /// watching it for a while (growing to 1 s while the shortage lasts); the server logs once per episode.
    private func pauseAccepting(_ error: SocketError) {
        guard acceptPausedUntil == nil else { return }
        poller.remove(core.listener)
        let (delay, firstInEpisode) = acceptBackoff.failed()
        acceptPausedUntil = now + delay
        if firstInEpisode, !core.acceptShortage.exchange(true, ordering: .relaxed) {
            core.logger.warning(
                "accept failed; pausing new connections until descriptors free up",
                metadata: ["error": .string(error.description), "retry_ms": .stringConvertible(Int(delay * 1000))])
        }
    }

    private func resumeAccepting() {
        acceptPausedUntil = nil
        guard listening else { return }
        do { try poller.add(core.listener, exclusive: true) } catch {
            acceptPausedUntil = now + acceptBackoff.failed().delay
        }
    }

    func forget(_ connection: Connection) {
        guard connections[connection.fd] === connection else { return }
        connections[connection.fd] = nil
        core.openConnections.wrappingSubtract(1, ordering: .relaxed)
        core.connectionMeter?.decrement()
    }

    /// Stops accepting and closes whatever is idle; busy connections close after their response.
    func beginDraining() {
        draining = true
        if listening {
            listening = false
            if acceptPausedUntil == nil { poller.remove(core.listener) }
        }
        for connection in Array(connections.values) { connection.drain() }
    }

    /// Closes everything and ends the thread.
    func stop() {
        running = false
    }
}
