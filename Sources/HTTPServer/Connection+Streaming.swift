extension Connection {
    /// Starts the producer of a streaming body; its writes are pulled onto this loop.
    func startStream(
        _ produce: @escaping @Sendable (ResponseBodyWriter) async throws -> Void, chunked: Bool, close: Bool
    ) {
        let loop = self.loop
        let fd = self.fd
        let id = self.id
        let writer = ResponseBodyWriter(highWater: loop.core.configuration.streamHighWaterBytes) {
            loop.execute { loop.connection(fd, id: id)?.pullStream() }
        }
        stream = writer
        streamedBytes = 0
        streamChunked = chunked
        streamClose = close
        Task {
            do { try await produce(writer) } catch {}
            writer.finish()
        }
    }

    /// Moves what the producer wrote into the output buffer (framed as chunks on HTTP/1.1).
    func pullStream() {
        guard let writer = stream else { return }
        let (chunks, finished) = writer.take()
        for chunk in chunks {
            if streamChunked {
                out.append(contentsOf: (String(chunk.count, radix: 16) + "\r\n").utf8)
                out.append(contentsOf: chunk)
                out.append(contentsOf: [13, 10])
            } else {
                out.append(contentsOf: chunk)
            }
            streamBytesInFlight += chunk.count
            streamedBytes += chunk.count
        }
        if finished {
            if streamChunked { out.append(contentsOf: "0\r\n\r\n".utf8) }
            stream = nil
            streamBytesInFlight = 0
            complete(status: 200, bytes: streamedBytes, close: streamClose)
        }
        flush()
    }
}
