import Sockets

/// One accepted socket: reads, parses, answers requests strictly in order, writes.
/// Lives on its event loop's thread only.
final class Connection {
    private enum Queued {
        case request(HTTPRequestHead, [UInt8])
        case failure(HTTPParseError)
    }

    /// The request whose response is being produced.
    struct Active {
        let head: HTTPRequestHead
        let requestID: String
        let startedAt: Double
        let keepAlive: Bool
    }

    let fd: Int32
    let id: UInt64
    let peer: String
    unowned let loop: EventLoop
    private var parser: HTTPRequestParser
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var queue: [Queued] = []
    private var parseFailed = false
    var active: Active?
    var out: [UInt8] = []
    private var outOffset = 0
    var stream: ResponseBodyWriter?
    var streamChunked = false
    var streamClose = false
    var streamBytesInFlight = 0
    var streamedBytes = 0
    private var closeWhenFlushed = false
    private var lingerDeadline: Double?
    private var readEOF = false
    private var lastActivity: Double
    private var headStartedAt: Double?
    private var interest = (read: true, write: false)
    private(set) var closed = false

    init(fd: Int32, id: UInt64, peer: String, loop: EventLoop) {
        self.fd = fd
        self.id = id
        self.peer = peer
        self.loop = loop
        parser = HTTPRequestParser(limits: loop.core.configuration.limits)
        lastActivity = loop.now
    }

    private var configuration: ServerConfiguration { loop.core.configuration }

    private var isIdle: Bool {
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
        for _ in 0..<16 where !closed {
            switch Socket.read(fd, into: loop.readBuffer) {
            case .bytes(let count):
                lastActivity = loop.now
                if lingerDeadline != nil || parseFailed { continue }  // discarding after a final response
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
        switch event {
        case .head(let parsed):
            head = parsed
            body = []
            if parsed.expectsContinue && active == nil && queue.isEmpty {
                out.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
            }
        case .body(let bytes):
            body.append(contentsOf: bytes)
        case .end:
            if let head { queue.append(.request(head, body)) }
            head = nil
            body = []
        case .error(let error):
            parseFailed = true
            queue.append(.failure(error))
        }
    }

    private func peerClosed() {
        if lingerDeadline != nil || stream != nil || parser.isMidRequest {
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
                let failed = HTTPError(status: error.status, code: error.code, message: error.message)
                startResponse(head: nil, keepAlive: false)
                respond(failed.response)
            case .request(let head, let body):
                dispatch(head, body)
            }
        }
    }

    private func startResponse(head: HTTPRequestHead?, keepAlive: Bool) {
        let placeholder = HTTPRequestHead(
            method: "-", target: "-", path: "-", pathSegments: [], query: [], versionMinor: 1, headers: HTTPHeaders())
        let received = head?.headers["X-Request-Id"].flatMap { id -> String? in
            id.count <= 128 && id.utf8.allSatisfy { $0 > 32 && $0 < 127 } ? id : nil
        }
        active = Active(
            head: head ?? placeholder, requestID: received ?? loop.makeRequestID(), startedAt: loop.now,
            keepAlive: keepAlive)
    }

    private func dispatch(_ head: HTTPRequestHead, _ body: [UInt8]) {
        startResponse(head: head, keepAlive: head.keepAlive)
        guard let active else { return }
        switch loop.core.router.match(method: head.method, segments: head.pathSegments) {
        case .notFound:
            respond(HTTPError.notFound("no route for \(head.path)").response)
        case .methodNotAllowed(let allow):
            let error = HTTPError(
                status: 405, code: "method_not_allowed", message: "\(head.method) is not allowed on \(head.path)",
                headers: [("Allow", allow.joined(separator: ", "))])
            respond(error.response)
        case .found(let handler, let parameters):
            let request = HTTPRequest(
                head: head, body: body, parameters: parameters, requestID: active.requestID, peer: peer)
            switch handler {
            case .immediate(let run):
                respond(Self.response(for: { try run(request) }))
            case .async(let run):
                AsyncResponder.spawn(run, request, loop: loop, fd: fd, id: id)
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
        guard let active, !closed else { return }
        let close = !active.keepAlive || loop.draining || readEOF
        let omitBody = active.head.method == "HEAD" || response.status == 204 || response.status == 304
        switch response.body {
        case .bytes(let bytes):
            ResponseHeadEncoder.encode(
                status: response.status, headers: response.headers,
                framing: response.status == 204 ? .none : .length(bytes.count), close: close,
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
        if let active, loop.core.accessLog != nil {
            loop.log(
                AccessLogEntry(
                    method: active.head.method, path: active.head.path, status: status, bytes: bytes,
                    durationMilliseconds: (MonotonicClock.now() - active.startedAt) * 1000, requestID: active.requestID,
                    peer: peer)
            )
        }
        active = nil
        if close {
            closeWhenFlushed = true
            queue.removeAll()
        } else {
            processQueue()
        }
    }

    // MARK: writing

    func flush() {
        while !closed && outOffset < out.count {
            let result = out.withUnsafeBytes { Socket.write(fd, UnsafeRawBufferPointer(rebasing: $0[outOffset...])) }
            switch result {
            case .bytes(let count):
                outOffset += count
                lastActivity = loop.now
            case .wouldBlock:
                return updateInterest()
            case .closed:
                return close()
            }
        }
        guard !closed else { return }
        if outOffset == out.count {
            if out.capacity > 1 << 20 { out = [] } else { out.removeAll(keepingCapacity: true) }
            outOffset = 0
            if streamBytesInFlight > 0 {
                stream?.didFlush(streamBytesInFlight)
                streamBytesInFlight = 0
            }
            if closeWhenFlushed && lingerDeadline == nil {
                // Half-close and drain what the client still sends, so unread input does not
                // turn our final response into a reset (RFC 9112 §9.6).
                Socket.shutdownWrite(fd)
                lingerDeadline = loop.now + 1
                if readEOF { return close() }
            }
        }
        updateInterest()
    }

    private func updateInterest() {
        let wantRead =
            !readEOF && (lingerDeadline != nil || (!parseFailed && queue.count < configuration.maxPipelinedRequests))
        let wantWrite = outOffset < out.count
        if wantRead != interest.read || wantWrite != interest.write {
            interest = (wantRead, wantWrite)
            loop.poller.modify(fd, read: wantRead, write: wantWrite)
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        loop.poller.remove(fd)
        Socket.close(fd)
        stream?.cancel()
        stream = nil
        loop.forget(self)
    }

    // MARK: timers and shutdown

    func checkTimeouts(now: Double) {
        if let lingerDeadline {
            if now >= lingerDeadline { close() }
            return
        }
        if active == nil, let started = headStartedAt, now - started > configuration.headerTimeout {
            return timeOut("request header timeout")
        }
        guard now - lastActivity > configuration.idleTimeout else { return }
        if isIdle || outOffset < out.count {
            close()
        } else if active == nil && parser.isMidRequest {
            timeOut("request body timeout")
        }
    }

    private func timeOut(_ message: String) {
        queue.removeAll()
        parseFailed = true
        headStartedAt = nil
        startResponse(head: nil, keepAlive: false)
        respond(HTTPError(status: 408, code: "request_timeout", message: message).response)
    }

    func drain() {
        if stream != nil || isIdle { close() }
    }
}
