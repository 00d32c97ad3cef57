import Sockets

/// One accepted socket: reads, parses, answers requests strictly in order, writes.
/// Lives on its event loop's thread only.
final class Connection {
    enum Queued {
        /// A request in line: a whole body, or the stream its body arrives on; `reserved` is its
        /// share of the server's body budget.
        case request(HTTPRequestHead, [UInt8], RequestBodyStream?, reserved: Int)
        case failure(HTTPError)
    }

    /// The request whose response is being produced.
    struct Active {
        let head: HTTPRequestHead
        let requestID: String
        let startedAt: Double
        let keepAlive: Bool
        var bodyStream: RequestBodyStream? = nil
        var reservedBytes = 0
        var logFields: [(String, String)] = []
        /// The router's index of the matched route (-1: none), for metrics.
        var route = -1
    }

    let fd: Int32
    let id: UInt64
    let peer: String
    unowned let loop: EventLoop
    var parser: HTTPRequestParser
    var head: HTTPRequestHead?
    var body: [UInt8] = []
    /// Budget bytes held for `body`, the whole body being received.
    var receivingReserved = 0
    var queue: [Queued] = []
    var parseFailed = false
    /// The streamed body being received (its handler may already run).
    var uploading: RequestBodyStream?
    /// Reading stops while the handler of `uploading` is behind or the body budget is spent.
    var bodyPaused = false
    var active: Active?
    var out: [UInt8] = []
    var outOffset = 0
    var stream: ResponseBodyWriter?
    var streamChunked = false
    var streamClose = false
    var streamBytesInFlight = 0
    var streamedBytes = 0
    var closeWhenFlushed = false
    var lingerDeadline: Double?
    var readEOF = false
    var lastActivity: Double
    var headStartedAt: Double?
    /// When the head of the request whose whole body is arriving was read (nil when none is).
    var bodyStartedAt: Double?
    var interest = (read: true, write: false)
    var closed = false
    /// The request being answered asked to switch to WebSocket: the parser holds what follows it.
    var awaitingUpgrade = false
    /// Set once the connection speaks WebSocket.
    var webSocket: WebSocketState?

    init(fd: Int32, id: UInt64, peer: String, loop: EventLoop) {
        self.fd = fd
        self.id = id
        self.peer = peer
        self.loop = loop
        let router = loop.core.router
        parser = HTTPRequestParser(
            limits: loop.core.configuration.limits,
            bodyLimit: { head in router.streamingBodyLimit(method: head.method, segments: head.pathSegments) },
            upgrade: { head in router.isWebSocketUpgrade(head) })
        lastActivity = loop.now
    }

    var configuration: ServerConfiguration { loop.core.configuration }

    var isIdle: Bool {
        active == nil && queue.isEmpty && !parser.isMidRequest && outOffset == out.count
    }

    func handle(_ event: EventPoller.Event) {
        if event.readable || event.hangup { readAvailable() }
        if !closed && event.writable { flush() }
    }

    // MARK: reading

    private func readAvailable() {
        // A bounded number of reads per readiness event: a client that floods cannot starve the
        // loop's other connections (epoll is level-triggered and reports it again).
        for _ in 0..<16 where !closed && !readingPaused {
            switch Socket.read(fd, into: loop.readBuffer) {
            case .bytes(let count):
                lastActivity = loop.now
                if lingerDeadline != nil || parseFailed { continue }  // discarding after a final response
                if webSocket != nil {
                    receiveWebSocket(UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
                    continue
                }
                let events = parser.feed(UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<count]))
                if parser.isReadingHead {
                    if headStartedAt == nil { headStartedAt = loop.now }
                } else {
                    headStartedAt = nil
                }
                for event in events { accept(event) }
                if queue.count >= configuration.maxPipelinedRequests || count < loop.readBuffer.count {
                    return finishReading()
                }
            case .wouldBlock:
                return finishReading()
            case .closed:
                readEOF = true
                return peerClosed()
            }
        }
        finishReading()
    }

    private func finishReading() {
        processQueue()
        flush()
    }

    private func accept(_ event: HTTPParserEvent) {
        if parseFailed { return }  // a request refused mid-batch: the rest of the batch is discarded
        switch event {
        case .head(let parsed):
            head = parsed
            body = []
            let first = active == nil && queue.isEmpty
            beginBody(parsed)
            if uploading == nil { bodyStartedAt = loop.now }
            // Only a body that was admitted (not refused for the budget) is asked for.
            if parsed.expectsContinue && first && !parseFailed {
                out.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
            }
        case .body(let bytes):
            receiveBody(bytes)
        case .end:
            if let stream = uploading {
                stream.finish()
                uploading = nil
                bodyPaused = false  // the next request's bytes must be read, whatever this body held
            } else if let head {
                // The parser stops after an upgrade request; reading waits for the route's answer.
                if loop.core.router.isWebSocketUpgrade(head) { awaitingUpgrade = true }
                queue.append(.request(head, body, nil, reserved: receivingReserved))
                receivingReserved = 0
            }
            bodyStartedAt = nil
            head = nil
            body = []
        case .error(let error):
            parseFailed = true
            bodyStartedAt = nil
            releaseReceiving()
            let failure = HTTPError(status: error.status, code: error.code, message: error.message)
            if let stream = uploading {
                // Its handler answers with the error; a second response would be out of order.
                stream.fail(failure)
                uploading = nil
                bodyPaused = false
            } else {
                queue.append(.failure(failure))
            }
        }
    }

    private func peerClosed() {
        if lingerDeadline != nil || stream != nil || webSocket != nil || parser.isMidRequest {
            return close()
        }
        processQueue()
        if active == nil && queue.isEmpty { closeWhenFlushed = true }
        flush()
    }

    // MARK: answering

    private func processQueue() {
        while active == nil && !queue.isEmpty && !closed && !closeWhenFlushed {
            switch queue.removeFirst() {
            case .failure(let error):
                startResponse(head: nil, keepAlive: false)
                respond(error.response)
            case .request(let head, let body, let stream, let reserved):
                dispatch(head, body, stream: stream, reserved: reserved)
            }
        }
    }

    func startResponse(
        head: HTTPRequestHead?, keepAlive: Bool, stream: RequestBodyStream? = nil, reserved: Int = 0
    ) {
        let placeholder = HTTPRequestHead(
            method: "-", target: "-", path: "-", pathSegments: [], query: [], versionMinor: 1, headers: HTTPHeaders())
        let received = head?.headers["X-Request-Id"].flatMap { id -> String? in
            id.count <= 128 && id.utf8.allSatisfy { $0 > 32 && $0 < 127 } ? id : nil
        }
        active = Active(
            head: head ?? placeholder, requestID: received ?? loop.makeRequestID(), startedAt: loop.now,
            keepAlive: keepAlive, bodyStream: stream, reservedBytes: reserved)
    }

    private func dispatch(_ head: HTTPRequestHead, _ body: [UInt8], stream: RequestBodyStream?, reserved: Int) {
        startResponse(head: head, keepAlive: head.keepAlive, stream: stream, reserved: reserved)
        guard active != nil else { return }
        let match = loop.core.router.match(method: head.method, segments: head.pathSegments)
        if case .found(_, _, let route) = match { self.active?.route = route }
        guard let active else { return }
        switch match {
        case .notFound:
            respond(HTTPError.notFound("no route for \(head.path)").response)
        case .methodNotAllowed(let allow):
            let error = HTTPError(
                status: 405, code: "method_not_allowed", message: "\(head.method) is not allowed on \(head.path)",
                headers: [("Allow", allow.joined(separator: ", "))])
            respond(error.response)
        case .found(let handler, let parameters, _):
            let request = HTTPRequest(
                head: head, body: body, parameters: parameters, requestID: active.requestID, peer: peer)
            switch handler {
            case .immediate(let run):
                respond(Self.response(for: { try run(request) }))
            case .async(let run):
                AsyncResponder.spawn(run, request, loop: loop, fd: fd, id: id)
            case .blocking(let run):
                AsyncResponder.spawnBlocking(run, request, loop: loop, fd: fd, id: id)
            case .webSocket(let route):
                dispatchWebSocket(route, request)
            case .streaming(_, let run):
                guard let stream else { return respond(HTTPError.internalError.response) }
                AsyncResponder.spawn({ try await run($0, stream) }, request, loop: loop, fd: fd, id: id)
            }
        }
    }

    private static func response(for run: () throws -> HTTPResponse) -> HTTPResponse {
        do { return try run() } catch { return errorResponse(error) }
    }

    static func errorResponse(_ error: any Error) -> HTTPResponse {
        (error as? HTTPError ?? HTTPError.internalError).response
    }

    /// Writes the response to the active request.
    func respond(_ response: HTTPResponse) {
        guard var active, !closed else { return }
        active.logFields = response.logFields
        self.active = active
        // A handler that answers before its body ended leaves the rest unread: the connection cannot
        // find the next request, so it closes after this response.
        let bodyUnread = active.bodyStream.map { !$0.isComplete } ?? false
        if let stream = active.bodyStream { abandonBody(stream, unread: bodyUnread) }
        // A refused upgrade leaves the parser stopped: the connection cannot read another request.
        let close = !active.keepAlive || loop.draining || readEOF || bodyUnread || awaitingUpgrade
        let omitBody = active.head.method == "HEAD" || response.status == 204 || response.status == 304
        switch response.body {
        case .bytes(let bytes):
            ResponseHeadEncoder.encode(
                status: response.status, headers: response.headers,
                // A 304 carries no body and no Content-Length (which would have to be the 200's).
                framing: response.status == 204 || response.status == 304 ? .none : .length(bytes.count),
                close: close,
                echoKeepAlive: active.head.versionMinor == 0 && !close, date: loop.date,
                serverName: configuration.serverName, requestID: active.requestID, into: &out)
            if !omitBody { out.append(contentsOf: bytes) }
            complete(status: response.status, bytes: omitBody ? 0 : bytes.count, close: close)
        case .stream(let produce):
            let chunked = active.head.versionMinor >= 1
            let closeAfter = close || !chunked
            ResponseHeadEncoder.encode(
                status: response.status, headers: response.headers, framing: chunked ? .chunked : .untilClose,
                close: closeAfter, echoKeepAlive: false, date: loop.date, serverName: configuration.serverName,
                requestID: active.requestID, into: &out)
            if omitBody {
                complete(status: response.status, bytes: 0, close: closeAfter)
                return
            }
            startStream(produce, chunked: chunked, close: closeAfter)
        }
        flush()
    }

    /// Logs the finished request and moves on to the next one.
    func complete(status: Int, bytes: Int, close: Bool) {
        if let active, let metrics = loop.requestMetrics {
            metrics.record(
                method: active.head.method, route: active.route, status: status,
                nanoseconds: Int64((MonotonicClock.now() - active.startedAt) * 1_000_000_000))
        }
        if let active, loop.core.accessLog != nil {
            loop.log(
                AccessLogEntry(
                    method: active.head.method, path: active.head.path, status: status, bytes: bytes,
                    durationMilliseconds: (MonotonicClock.now() - active.startedAt) * 1000, requestID: active.requestID,
                    peer: peer, fields: active.logFields)
            )
        }
        loop.core.bodyBudget.release(active?.reservedBytes ?? 0)
        active = nil
        if close {
            closeWhenFlushed = true
            dropQueue()
        } else {
            processQueue()
        }
    }
}
