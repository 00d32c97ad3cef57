/// A connection after `101 Switching Protocols`: frames instead of requests.
final class WebSocketState {
    var parser: WebSocketFrameParser
    let socket: WebSocket
    /// Our close frame is queued: nothing more is sent, received data is discarded.
    var closeSent = false
    var closeReceived = false
    /// When the peer's close is given up on, after ours was sent.
    var closeDeadline: Double?
    var lastReceived: Double
    var pingSentAt: Double?
    var pingCount: UInt32 = 0
    /// The session is behind on received messages: reading waits for it.
    var inboxFull = false
    /// The peer broke the protocol: the close with this code waits until the session has handled
    /// the messages that came before (bounded by the close timeout).
    var failure: (code: UInt16, reason: String)?

    init(parser: WebSocketFrameParser, socket: WebSocket, now: Double) {
        self.parser = parser
        self.socket = socket
        lastReceived = now
    }
}

extension Connection {
    /// Reading stops while a WebSocket's session or its peer is behind: received messages wait for
    /// the session, or unsent bytes (pongs included) pass the high-water mark.
    var webSocketReadPaused: Bool {
        guard let webSocket else { return false }
        return webSocket.inboxFull || webSocket.failure != nil
            || out.count - outOffset > configuration.streamHighWaterBytes
    }

    /// Answers a request to a WebSocket route: a refusal over HTTP, or (once the route accepts)
    /// the switch to the protocol.
    func dispatchWebSocket(_ route: WebSocketRoute, _ request: HTTPRequest) {
        let head = request.head
        let key: String
        switch WebSocketHandshake.validate(head) {
        case .failure(let error): return respond(error.response)
        case .success(let valid): key = valid
        }
        // The parser stops after an upgrade request without a body; one with a body is not a handshake.
        guard awaitingUpgrade else {
            return respond(HTTPError.badRequest("a WebSocket upgrade request has no body").response)
        }
        guard route.originAllowed(head.headers["Origin"], head.headers["Host"]) else {
            return respond(HTTPError(status: 403, code: "forbidden", message: "origin not allowed").response)
        }
        let subprotocol = route.selectSubprotocol(WebSocketHandshake.offeredSubprotocols(head))
        let (loop, fd, id) = (self.loop, self.fd, self.id)
        Task {
            do {
                let session = try await route.accept(request)
                loop.execute {
                    loop.connection(fd, id: id)?.upgrade(session, key: key, subprotocol: subprotocol)
                }
            } catch {
                let response = Connection.errorResponse(error)
                loop.execute { loop.connection(fd, id: id)?.respond(response) }
            }
        }
    }

    private func upgrade(_ session: @escaping WebSocketRoute.Session, key: String, subprotocol: String?) {
        guard let active, !closed else { return }
        out.append(
            contentsOf: WebSocketHandshake.switchingProtocols(
                key: key, subprotocol: subprotocol, date: loop.date, serverName: configuration.serverName,
                requestID: active.requestID))
        complete(status: 101, bytes: 0, close: false)
        awaitingUpgrade = false
        let (loop, fd, id) = (self.loop, self.fd, self.id)
        let socket = WebSocket(
            subprotocol: subprotocol, highWater: configuration.streamHighWaterBytes,
            inboxLimit: max(configuration.webSocket.limits.maxMessageBytes, 64 * 1024)
        ) { work in
            loop.execute {
                if let connection = loop.connection(fd, id: id) { work(connection) }
            }
        }
        webSocket = WebSocketState(
            parser: WebSocketFrameParser(limits: configuration.webSocket.limits), socket: socket, now: loop.now)
        Task {
            var code = WebSocketCloseCode.normal
            do { try await session(socket) } catch { code = WebSocketCloseCode.internalError }
            socket.close(code: code, reason: code == WebSocketCloseCode.normal ? "" : "internal error")
        }
        // Frames the client sent right behind its handshake.
        let early = parser.takeUpgradedBytes()
        if !early.isEmpty { early.withUnsafeBytes { receiveWebSocket($0) } }
        flush()
    }

    /// Bytes from the peer of an upgraded connection.
    func receiveWebSocket(_ bytes: UnsafeRawBufferPointer) {
        guard let webSocket else { return }
        webSocket.lastReceived = loop.now
        for event in webSocket.parser.feed(bytes) {
            switch event {
            case .message(let message):
                guard !webSocket.closeSent else { continue }
                if webSocket.socket.deliver(message) { webSocket.inboxFull = true }
            case .ping(let payload):
                guard !webSocket.closeSent else { continue }
                out.append(contentsOf: WebSocketFrameEncoder.frame(.pong, payload))
            case .pong:
                webSocket.pingSentAt = nil
            case .close(let code, let reason):
                webSocket.closeReceived = true
                if !webSocket.closeSent {
                    // Echo the peer's code (RFC 6455 §5.5.1); a close without one gets one without one.
                    queueClose(
                        code.map { WebSocketFrameEncoder.close(code: $0, reason: reason) }
                            ?? WebSocketFrameEncoder.frame(.close, [UInt8]()))
                }
                webSocket.socket.end(code: code ?? WebSocketCloseCode.noStatus)
                // The server closes the TCP connection first (RFC 6455 §7.1.1).
                closeWhenFlushed = true
            case .failure(let code, let reason):
                guard !webSocket.closeSent else {
                    closeWhenFlushed = true
                    continue
                }
                // Messages before the bad frame still get their answers: the session drains its
                // inbox, sees the end and returns, and its close carries this code.
                webSocket.failure = (code, reason)
                webSocket.closeDeadline = loop.now + configuration.webSocket.closeTimeout
                webSocket.socket.end(code: WebSocketCloseCode.abnormal)
            }
        }
    }

    /// Moves what the session sent into the output buffer; a finished session closes with 1000.
    func pullWebSocket() {
        guard let webSocket, !webSocket.closeSent else { return }
        let (frames, _) = webSocket.socket.writer.take()
        for frame in frames {
            out.append(contentsOf: frame)
            streamBytesInFlight += frame.count
        }
        flush()
    }

    /// The server's side of the close handshake: what the session sent first, then the close frame;
    /// the peer's close is awaited for a bounded time.
    func startWebSocketClose(code: UInt16, reason: String) {
        guard let webSocket, !webSocket.closeSent else { return }
        pullWebSocket()
        if let failure = webSocket.failure {
            // Failing the connection (RFC 6455 §7.1.7): the close names the fault and the TCP
            // connection ends without waiting for the peer's close.
            queueClose(WebSocketFrameEncoder.close(code: failure.code, reason: failure.reason))
            closeWhenFlushed = true
            return flush()
        }
        queueClose(WebSocketFrameEncoder.close(code: code, reason: reason))
        webSocket.closeDeadline = loop.now + configuration.webSocket.closeTimeout
        if webSocket.closeReceived { closeWhenFlushed = true }
        flush()
    }

    private func queueClose(_ frame: [UInt8]) {
        guard let webSocket else { return }
        webSocket.closeSent = true
        // Sends after the close are refused; unsent ones go with it.
        webSocket.socket.writer.cancel()
        out.append(contentsOf: frame)
    }

    func resumeWebSocketReading() {
        guard let webSocket else { return }
        webSocket.inboxFull = false
        updateInterest()
    }

    /// The ping timer, the pong deadline and the close deadline; true when it handled the connection.
    func checkWebSocketTimers(now: Double) -> Bool {
        guard let webSocket else { return false }
        let settings = configuration.webSocket
        if let deadline = webSocket.closeDeadline {
            guard now >= deadline else { return true }
            // A session that does not return after a protocol fault is not waited for.
            if webSocket.failure != nil && !webSocket.closeSent {
                startWebSocketClose(code: WebSocketCloseCode.protocolError, reason: "")
            } else {
                close()
            }
        } else if let sent = webSocket.pingSentAt {
            if now - sent > settings.pongTimeout { close() }
        } else if now - webSocket.lastReceived >= settings.pingInterval {
            webSocket.pingCount &+= 1
            let count = webSocket.pingCount
            let payload = (0..<4).map { UInt8(truncatingIfNeeded: count >> (24 - 8 * $0)) }
            out.append(contentsOf: WebSocketFrameEncoder.frame(.ping, payload))
            webSocket.pingSentAt = now
            flush()
        }
        return true
    }

    /// Graceful shutdown: 1001 to the peer, then the usual close handshake.
    func drainWebSocket() -> Bool {
        guard webSocket != nil else { return false }
        startWebSocketClose(code: WebSocketCloseCode.goingAway, reason: "server shutting down")
        return true
    }

    /// The connection is gone: the session learns it.
    func endWebSocket() {
        guard let webSocket else { return }
        webSocket.socket.end(code: WebSocketCloseCode.abnormal)
        webSocket.socket.writer.cancel()
    }
}
