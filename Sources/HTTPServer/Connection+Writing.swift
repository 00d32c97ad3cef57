import Sockets

/// Writing the output buffer, read/write interest, closing.
extension Connection {
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
                webSocket?.socket.writer.didFlush(streamBytesInFlight)
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

    /// Reading waits for a streamed body's handler, a WebSocket upgrade's answer or a WebSocket
    /// session or peer that is behind.
    var readingPaused: Bool { bodyPaused || awaitingUpgrade || webSocketReadPaused }

    func updateInterest() {
        let wantRead =
            !readEOF
            && (lingerDeadline != nil
                || (!parseFailed && !readingPaused && queue.count < configuration.maxPipelinedRequests))
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
        endWebSocket()
        releaseAllBodies()
        loop.forget(self)
    }
}
