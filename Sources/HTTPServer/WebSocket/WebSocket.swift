import Synchronization

/// One open WebSocket as its session sees it: send messages (suspending while the peer is behind),
/// receive messages, close. The connection itself answers pings, runs the close handshake and
/// enforces the limits.
public final class WebSocket: Sendable {
    /// Thrown by `send` once the connection is closing or closed.
    public struct Closed: Error, Sendable {}

    private struct Inbox {
        var messages: [WebSocketMessage] = []
        var first = 0
        var bytes = 0
        var readingPaused = false
        var ended = false
        var closeCode: UInt16?
        var waiter: CheckedContinuation<WebSocketMessage?, Never>?
    }

    /// The subprotocol agreed in the handshake.
    public let subprotocol: String?
    let writer: ResponseBodyWriter
    private let inbox = Mutex(Inbox())
    /// Received bytes held for the session before the connection stops reading.
    private let inboxLimit: Int
    private let onLoop: @Sendable (@escaping @Sendable (Connection) -> Void) -> Void

    init(
        subprotocol: String?, highWater: Int, inboxLimit: Int,
        onLoop: @escaping @Sendable (@escaping @Sendable (Connection) -> Void) -> Void
    ) {
        self.subprotocol = subprotocol
        self.inboxLimit = inboxLimit
        self.onLoop = onLoop
        writer = ResponseBodyWriter(highWater: highWater) { onLoop { $0.pullWebSocket() } }
    }

    /// Sends one message; waits while too much is unsent. Throws `Closed` once closing.
    public func send(_ message: WebSocketMessage) async throws {
        do { try await writer.write(WebSocketFrameEncoder.message(message)) } catch { throw Closed() }
    }

    public func send(text: String) async throws { try await send(.text(text)) }

    /// The next message, or nil once the connection is closing or closed (or the task is cancelled).
    public func receive() async -> WebSocketMessage? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<WebSocketMessage?, Never>) in
                let (ready, resume): (WebSocketMessage??, Bool) = inbox.withLock { inbox in
                    if inbox.first < inbox.messages.count {
                        let message = inbox.messages[inbox.first]
                        inbox.first += 1
                        inbox.bytes -= message.byteCount
                        if inbox.first == inbox.messages.count { (inbox.messages, inbox.first) = ([], 0) }
                        let resume = inbox.readingPaused && inbox.bytes <= inboxLimit / 2
                        if resume { inbox.readingPaused = false }
                        return (.some(message), resume)
                    }
                    if inbox.ended || Task.isCancelled { return (.some(nil), false) }
                    inbox.waiter = continuation
                    return (nil, false)
                }
                if resume { onLoop { $0.resumeWebSocketReading() } }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            inbox.withLock { inbox in
                let waiter = inbox.waiter
                inbox.waiter = nil
                return waiter
            }?.resume(returning: nil)
        }
    }

    /// Starts the close handshake after what was already sent; `receive` then returns nil.
    public func close(code: UInt16 = WebSocketCloseCode.normal, reason: String = "") {
        onLoop { $0.startWebSocketClose(code: code, reason: reason) }
    }

    /// The peer's close code once closed (1005 when its close frame had none, 1006 when the
    /// connection dropped without one); nil while open.
    public var closeCode: UInt16? { inbox.withLock { $0.closeCode } }

    // MARK: loop side

    /// Hands a received message to the session; true when reading should pause.
    func deliver(_ message: WebSocketMessage) -> Bool {
        let (waiter, pause) = inbox.withLock { inbox -> (CheckedContinuation<WebSocketMessage?, Never>?, Bool) in
            if let waiter = inbox.waiter {
                inbox.waiter = nil
                return (waiter, false)
            }
            inbox.messages.append(message)
            inbox.bytes += message.byteCount
            if inbox.bytes > inboxLimit { inbox.readingPaused = true }
            return (nil, inbox.readingPaused)
        }
        waiter?.resume(returning: message)
        return pause
    }

    /// No more messages will come.
    func end(code: UInt16) {
        inbox.withLock { inbox in
            if inbox.closeCode == nil { inbox.closeCode = code }
            inbox.ended = true
            let waiter = inbox.waiter
            inbox.waiter = nil
            return waiter
        }?.resume(returning: nil)
    }
}
