/// Request bodies: whole ones held against the server budget, streamed ones handed to their
/// route while they arrive.
extension Connection {
    /// Starts the body of a request whose head just arrived.
    func beginBody(_ head: HTTPRequestHead) {
        if loop.core.router.streamingBodyLimit(method: head.method, segments: head.pathSegments) != nil {
            let loop = self.loop
            let fd = self.fd
            let id = self.id
            let stream = RequestBodyStream(
                highWater: configuration.requestStreamHighWaterBytes, budget: loop.core.bodyBudget
            ) {
                loop.execute { loop.connection(fd, id: id)?.resumeBody() }
            }
            uploading = stream
            // In line at once: its handler starts as soon as the requests before it are answered.
            queue.append(.request(head, [], stream, reserved: 0))
            self.head = nil
            return
        }
        // The announced length is held up front, so an admitted body never fails halfway.
        let announced = head.headers["Content-Length"].flatMap { value in
            value.split(separator: ",").first.flatMap { Int($0.trimmingASCIISpaces()) }
        }
        _ = holdBody(announced ?? 0)
    }

    func receiveBody(_ bytes: [UInt8]) {
        if let uploading {
            if !uploading.append(bytes) { bodyPaused = true }
            return
        }
        let (total, overflow) = body.count.addingReportingOverflow(bytes.count)
        guard !overflow, holdBody(total) else { return }
        body.append(contentsOf: bytes)
    }

    /// Grows the budget held for the body being received to `total` bytes; past the server's
    /// budget the request is refused with 503 and the rest of its body discarded.
    private func holdBody(_ total: Int) -> Bool {
        guard total > receivingReserved else { return true }
        if loop.core.bodyBudget.tryReserve(total - receivingReserved) {
            receivingReserved = total
            return true
        }
        releaseReceiving()
        head = nil
        body = []
        parseFailed = true
        queue.append(
            .failure(
                HTTPError(
                    status: 503, code: "queue_full",
                    message: "the server holds too many request bodies at once; retry later", retryable: true,
                    headers: [("Retry-After", "1")])))
        return false
    }

    func releaseReceiving() {
        loop.core.bodyBudget.release(receivingReserved)
        receivingReserved = 0
    }

    /// Discards queued requests, giving back what their bodies held.
    func dropQueue() {
        for item in queue {
            if case .request(_, _, let stream, let reserved) = item {
                loop.core.bodyBudget.release(reserved)
                // Never dispatched, so no handler reads it: whatever it buffered goes back now.
                stream?.fail(RequestBodyStream.Disconnected())
                stream?.abandon()
            }
        }
        queue.removeAll()
    }

    /// The handler of `stream` answered: drop what it did not read.
    func abandonBody(_ stream: RequestBodyStream, unread: Bool) {
        stream.abandon()
        guard unread else { return }
        if uploading === stream { uploading = nil }
        parseFailed = true  // stop parsing: the rest of this body must not be taken for requests
        bodyPaused = false
    }

    /// The connection closes: every body in flight ends and gives back its budget.
    func releaseAllBodies() {
        releaseReceiving()
        uploading?.fail(RequestBodyStream.Disconnected())
        uploading = nil
        if let active {
            active.bodyStream?.fail(RequestBodyStream.Disconnected())
            loop.core.bodyBudget.release(active.reservedBytes)
            self.active = nil
        }
        dropQueue()
    }

    /// Reading resumes once the handler caught up (and the budget allows).
    func resumeBody() {
        guard bodyPaused, let uploading, uploading.mayResume else { return }
        bodyPaused = false
        lastActivity = loop.now
        updateInterest()
    }

    /// Resumes a body paused for the shared budget; times out one whose client stalled.
    /// True when it acted.
    func checkBodyStream(now: Double) -> Bool {
        guard let uploading else { return false }
        if bodyPaused {
            resumeBody()
            return false
        }
        guard now - lastActivity > configuration.idleTimeout else { return false }
        uploading.fail(HTTPError(status: 408, code: "request_timeout", message: "request body timeout"))
        self.uploading = nil
        parseFailed = true
        updateInterest()
        return true
    }
}
