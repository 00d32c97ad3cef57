/// Timers (header, body and idle timeouts, lingering) and graceful shutdown.
extension Connection {
    func checkTimeouts(now: Double) {
        if let lingerDeadline {
            if now >= lingerDeadline { close() }
            return
        }
        if checkWebSocketTimers(now: now) || checkBodyStream(now: now) { return }
        if active == nil, let started = headStartedAt, now - started > configuration.headerTimeout {
            return timeOut("request header timeout")
        }
        if active == nil, let started = bodyStartedAt, now - started > configuration.bodyTimeout {
            return timeOut("request body timeout: the body did not arrive within \(configuration.bodyTimeout) s")
        }
        guard now - lastActivity > configuration.idleTimeout else { return }
        if isIdle || outOffset < out.count {
            close()
        } else if active == nil && parser.isMidRequest {
            timeOut("request body timeout")
        }
    }

    func timeOut(_ message: String) {
        dropQueue()
        releaseReceiving()
        parseFailed = true
        headStartedAt = nil
        bodyStartedAt = nil
        startResponse(head: nil, keepAlive: false)
        respond(HTTPError(status: 408, code: "request_timeout", message: message).response)
    }

    func drain() {
        if drainWebSocket() { return }
        if stream != nil || isIdle { close() }
    }
}
