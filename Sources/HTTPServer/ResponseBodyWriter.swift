import Synchronization

/// The producer side of a streaming response.
///
/// `write` suspends while more than the high-water mark waits to be sent, so a client
/// that stops reading pauses the producer instead of growing a buffer; once the peer is
/// gone every `write` throws `ResponseBodyWriter.Closed`.
public final class ResponseBodyWriter: Sendable {
    /// Thrown by `write` after the connection closed.
    public struct Closed: Error, Sendable {}

    struct State {
        var chunks: [[UInt8]] = []
        var unflushed = 0
        var closed = false
        var finished = false
        var waiter: CheckedContinuation<Void, any Error>?
    }

    private let state = Mutex(State())
    private let highWater: Int
    private let wake: @Sendable () -> Void

    init(highWater: Int, wake: @escaping @Sendable () -> Void) {
        self.highWater = highWater
        self.wake = wake
    }

    /// True once the peer disconnected or the connection was closed.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Queues `bytes` for sending; waits while the client is behind.
    public func write(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        let mustWait = try state.withLock { state throws -> Bool in
            if state.closed { throw Closed() }
            state.chunks.append(bytes)
            state.unflushed += bytes.count
            return state.unflushed > highWater
        }
        wake()
        if mustWait {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = state.withLock { state in
                    if state.closed { return .failure(Closed()) }
                    if state.unflushed <= highWater { return .success(()) }
                    state.waiter = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(with: resumeNow) }
            }
        }
    }

    /// Writes a UTF-8 string.
    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }

    // MARK: loop side

    func finish() {
        state.withLock { $0.finished = true }
        wake()
    }

    /// Chunks to send now, and whether the producer is done.
    func take() -> (chunks: [[UInt8]], finished: Bool) {
        state.withLock { state in
            let chunks = state.chunks
            state.chunks = []
            return (chunks, state.finished)
        }
    }

    /// `count` bytes reached the socket.
    func didFlush(_ count: Int) {
        let waiter: CheckedContinuation<Void, any Error>? = state.withLock { state in
            state.unflushed -= count
            guard state.unflushed <= highWater / 2, let waiter = state.waiter else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// The connection is gone.
    func cancel() {
        let waiter: CheckedContinuation<Void, any Error>? = state.withLock { state in
            state.closed = true
            state.chunks = []
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(throwing: Closed())
    }
}
