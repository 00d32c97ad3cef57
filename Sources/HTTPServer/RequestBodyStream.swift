import Synchronization

/// The body of a streaming route, handed to its handler while it is still arriving.
///
/// The event loop appends what it reads. Once more than the high-water mark waits unconsumed (or the
/// server's body budget is spent) the loop stops reading the socket until the consumer has taken it
/// down to half, so TCP flow control slows the client instead of a buffer growing.
public final class RequestBodyStream: Sendable {
    /// Thrown by `next` when the client went away before the body ended.
    public struct Disconnected: Error, Sendable {}

    private struct State {
        var chunks: [[UInt8]] = []
        var first = 0
        var buffered = 0
        var finished = false
        var failure: (any Error)?
        var abandoned = false
        var paused = false
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
    }

    private let state = Mutex(State())
    private let highWater: Int
    private let budget: BodyBudget
    private let wake: @Sendable () -> Void

    init(highWater: Int, budget: BodyBudget, wake: @escaping @Sendable () -> Void) {
        self.highWater = max(1, highWater)
        self.budget = budget
        self.wake = wake
    }

    /// The next piece of the body, nil at its end. Throws the parse error, timeout or
    /// `Disconnected` that ended the body early.
    public func next() async throws -> [UInt8]? {
        let (ready, resumeReading) = state.withLock { take(&$0) }
        if resumeReading { wake() }
        if let ready { return try ready.get() }
        return try await withCheckedThrowingContinuation { continuation in
            // The loop may have appended between the check above and here: look again under the lock.
            let (now, resume) = state.withLock { state -> (Result<[UInt8]?, any Error>?, Bool) in
                let taken = take(&state)
                if taken.0 == nil { state.waiter = continuation }
                return taken
            }
            if resume { wake() }
            if let now { continuation.resume(with: now) }
        }
    }

    /// The first buffered piece, the end or the failure; nil when the consumer must wait. The flag
    /// says the loop paused for this stream and may read again.
    private func take(_ state: inout State) -> (Result<[UInt8]?, any Error>?, Bool) {
        if state.first < state.chunks.count {
            let chunk = state.chunks[state.first]
            state.chunks[state.first] = []
            state.first += 1
            if state.first == state.chunks.count {
                state.chunks.removeAll(keepingCapacity: true)
                state.first = 0
            }
            state.buffered -= chunk.count
            budget.release(chunk.count)
            let resume = state.paused && state.buffered <= highWater / 2
            if resume { state.paused = false }
            return (.success(chunk), resume)
        }
        if let failure = state.failure { return (.failure(failure), false) }
        if state.finished { return (.success(nil), false) }
        return (nil, false)
    }

    // MARK: loop side

    /// Adds received bytes; false when the loop should stop reading for now.
    func append(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        let (waiter, keepReading) = state.withLock {
            state -> (CheckedContinuation<[UInt8]?, any Error>?, Bool) in
            if state.abandoned || state.failure != nil { return (nil, true) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, true)
            }
            state.chunks.append(bytes)
            state.buffered += bytes.count
            budget.reserve(bytes.count)
            let pause = state.buffered > highWater || budget.isSpent
            if pause { state.paused = true }
            return (nil, !pause)
        }
        waiter?.resume(returning: bytes)
        return keepReading
    }

    /// Whether a paused loop may read again (checked by its periodic sweep, for the shared budget).
    var mayResume: Bool {
        state.withLock { state in
            let ready = state.abandoned || (state.buffered <= highWater / 2 && !budget.isSpent)
            if ready { state.paused = false }
            return ready
        }
    }

    /// The body arrived completely.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// True once the whole body arrived.
    var isComplete: Bool { state.withLock { $0.finished } }

    /// The body ends with `error` (a parse error, a timeout, the client leaving); what is buffered
    /// is dropped, since the handler will fail anyway. A complete body is left to its handler.
    func fail(_ error: any Error) {
        let (waiter, released) = state.withLock { state -> (CheckedContinuation<[UInt8]?, any Error>?, Int) in
            guard !state.finished, state.failure == nil else { return (nil, 0) }
            state.failure = error
            let held = state.buffered
            state.chunks = []
            state.first = 0
            state.buffered = 0
            defer { state.waiter = nil }
            return (state.waiter, held)
        }
        budget.release(released)
        waiter?.resume(throwing: error)
    }

    /// Whatever is still buffered goes back to the budget when the last owner lets go — a complete
    /// body whose request was never dispatched (its connection closed first) included.
    deinit { budget.release(state.withLock { $0.buffered }) }

    /// The handler answered: what is buffered or still arrives is dropped.
    func abandon() {
        let released = state.withLock { state -> Int in
            state.abandoned = true
            let held = state.buffered
            state.chunks = []
            state.first = 0
            state.buffered = 0
            return held
        }
        budget.release(released)
    }
}
