import CLibPQ
import Foundation
import Synchronization

/// One node's dedicated `LISTEN backtestd_events` (and `backtestd_cancels`) connection
/// (PostgreSQL only): a thread waits on the socket with `poll` and hands each event
/// notification's (run id, seq) to `onEvent`, each cancel notification's run id to `onCancel`. A drop
/// is reported through `onConnection(false)`, then it reconnects with backoff and reports
/// `onConnection(true)` once listening again (notifications sent meanwhile are gone: the
/// caller reads by seq to cover them).
///
/// `@unchecked Sendable`: the libpq handle is touched only by the listener's own thread; the
/// shared state is atomic.
public final class EventListener: @unchecked Sendable {
    /// The channel every node notifies on and listens to.
    public static let channel = "backtestd_events"
    /// The channel a cancel of a RUNNING run is announced on (`Catalog.requestCancel`).
    public static let cancelChannel = "backtestd_cancels"

    private let url: String
    private let onEvent: @Sendable (String, Int) -> Void
    private let onCancel: @Sendable (String) -> Void
    private let onConnection: @Sendable (Bool) -> Void
    private let stopping = Atomic<Bool>(false)
    private let pid = Atomic<Int32>(0)
    private let finished = DispatchSemaphore(value: 0)

    init(
        url: String, onEvent: @escaping @Sendable (String, Int) -> Void,
        onCancel: @escaping @Sendable (String) -> Void, onConnection: @escaping @Sendable (Bool) -> Void
    ) {
        self.url = url
        self.onEvent = onEvent
        self.onCancel = onCancel
        self.onConnection = onConnection
        let thread = Thread { [self] in loop() }
        thread.name = "backtestd.listen"
        thread.start()
    }

    /// The server process id of the listening connection (0 while disconnected): what
    /// `pg_terminate_backend` takes, for tests that cut it.
    public var backendPID: Int32 { pid.load(ordering: .acquiring) }

    /// Ends the thread and closes the connection. Waits at most one poll interval while
    /// connected; while the thread is inside a connect attempt to an unreachable host (which may
    /// block until the OS gives up), at most `stopWaitSeconds`, after which the thread finishes
    /// on its own when the attempt ends.
    public func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = finished.wait(timeout: .now() + Self.stopWaitSeconds)
    }

    static let stopWaitSeconds = 5.0

    private func loop() {
        var backoff = 0.05
        var reportedDown = false
        while !stopping.load(ordering: .acquiring) {
            if let connection = connect() {
                backoff = 0.05
                reportedDown = false
                onConnection(true)
                listen(on: connection)
                pid.store(0, ordering: .releasing)
                PQfinish(connection)
                if stopping.load(ordering: .acquiring) { break }
            }
            if !reportedDown {
                reportedDown = true
                onConnection(false)
            }
            Thread.sleep(forTimeInterval: backoff)
            backoff = min(backoff * 2, 2)
        }
        finished.signal()
    }

    /// A connection that is already listening, or nil.
    private func connect() -> OpaquePointer? {
        guard let connection = PQconnectdb(url) else { return nil }
        guard PQstatus(connection) == CONNECTION_OK else {
            PQfinish(connection)
            return nil
        }
        let result = PQexec(connection, "LISTEN \(Self.channel); LISTEN \(Self.cancelChannel)")
        let ok = result.map { PQresultStatus($0) == PGRES_COMMAND_OK } ?? false
        PQclear(result)
        guard ok else {
            PQfinish(connection)
            return nil
        }
        pid.store(PQbackendPID(connection), ordering: .releasing)
        return connection
    }

    /// Waits for notifications until the connection fails or `stop` is called.
    private func listen(on connection: OpaquePointer) {
        let socket = PQsocket(connection)
        guard socket >= 0 else { return }
        while !stopping.load(ordering: .acquiring) {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            // A bounded wait so `stop` is noticed.
            let ready = poll(&descriptor, 1, 200)
            if ready < 0 && errno != EINTR { return }
            guard ready > 0 else { continue }
            guard PQconsumeInput(connection) == 1, PQstatus(connection) == CONNECTION_OK else { return }
            while let notification = PQnotifies(connection) {
                let payload = notification.pointee.extra.map { String(cString: $0) } ?? ""
                let channel = notification.pointee.relname.map { String(cString: $0) } ?? ""
                PQfreemem(notification)
                if channel == Self.cancelChannel {
                    if let runID = Self.parseCancel(payload) { onCancel(runID) }
                } else if let (runID, seq) = Self.parse(payload) {
                    onEvent(runID, seq)
                }
            }
        }
    }

    /// `{"run_id":"…","seq":N}` as written by `Catalog.notifyPayload`.
    static func parse(_ payload: String) -> (String, Int)? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
            let runID = object["run_id"] as? String, let number = object["seq"] as? NSNumber,
            // Anyone who may connect to the database can send a NOTIFY: only a seq an event can
            // have is taken (a negative or huge one would make the reader's arithmetic trap).
            number.doubleValue >= 0, number.doubleValue < 9.0e15
        else { return nil }
        return (runID, number.intValue)
    }

    /// `{"run_id":"…"}` as written by `Catalog.cancelPayload`: exactly that one member, a run id
    /// of 1 to 128 visible ASCII characters. Anything else is dropped; what is taken is only a
    /// hint to read the run's `cancel_requested` flag, so a forged one cancels nothing.
    static func parseCancel(_ payload: String) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
            object.count == 1, let runID = object["run_id"] as? String,
            (1...128).contains(runID.utf8.count), runID.utf8.allSatisfy({ $0 > 32 && $0 < 127 })
        else { return nil }
        return runID
    }
}

extension Catalog {
    /// Starts this node's listener (nil on SQLite: one node, nothing to hear from others).
    public func listenForEvents(
        onEvent: @escaping @Sendable (_ runID: String, _ seq: Int) -> Void,
        onCancel: @escaping @Sendable (_ runID: String) -> Void = { _ in },
        onConnection: @escaping @Sendable (_ listening: Bool) -> Void
    ) -> EventListener? {
        guard case .postgres(let url) = location else { return nil }
        return EventListener(url: url, onEvent: onEvent, onCancel: onCancel, onConnection: onConnection)
    }

    /// The NOTIFY payload for one event: far below PostgreSQL's 8,000-byte limit (run ids are short).
    static func notifyPayload(runID: String, seq: Int) -> String {
        let escaped = runID.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return #"{"run_id":""# + escaped + #"","seq":\#(seq)}"#
    }
}
