import Foundation
import Synchronization

/// A fixed set of Dispatch-independent worker threads that take runs from the catalog (the
/// queue) in FIFO order. CPU-heavy work never runs on the HTTP event loops or the request path.
final class WorkerPool: Sendable {
    private struct State {
        var wakeups = 0
        var stopping = false
        /// One per worker: false once its thread has returned (readiness counts them).
        var alive: [Bool] = []
        /// Workers asked to return on their own (tests of readiness).
        var retiring: Set<Int> = []
    }

    private let condition = NSCondition()
    private let state = Mutex(State())
    private let finished = DispatchGroup()

    /// Starts `count` workers; each repeatedly calls `claim` and runs what it returns, and asks
    /// again after `idleSeconds` when it found nothing (or sooner when woken).
    init(count: Int, idleSeconds: Double = 1, claim: @escaping @Sendable () -> (@Sendable () -> Void)?) {
        let count = max(1, count)
        state.withLock { $0.alive = Array(repeating: true, count: count) }
        for index in 0..<count {
            finished.enter()
            let thread = Thread { [self] in
                BackgroundPriority.applyToCurrentThread()
                defer { state.withLock { $0.alive[index] = false } }
                while !shouldReturn(index) {
                    if let job = claim() {
                        job()
                        continue
                    }
                    condition.lock()
                    let shouldWait = state.withLock { state -> Bool in
                        defer { state.wakeups = 0 }
                        return state.wakeups == 0 && !state.stopping
                    }
                    if shouldWait { _ = condition.wait(until: Date().addingTimeInterval(idleSeconds)) }
                    condition.unlock()
                }
                finished.leave()
            }
            thread.name = "backtest-worker-\(index)"
            thread.start()
        }
    }

    private func shouldReturn(_ index: Int) -> Bool {
        state.withLock { $0.stopping || $0.retiring.contains(index) }
    }

    /// Workers whose thread has not returned, and how many were started.
    var liveness: (alive: Int, count: Int) {
        state.withLock { state in (state.alive.filter { $0 }.count, state.alive.count) }
    }

    /// Makes worker `index` return after its current run (tests: a worker that stopped).
    func retire(_ index: Int) {
        condition.lock()
        state.withLock { _ = $0.retiring.insert(index) }
        condition.broadcast()
        condition.unlock()
    }

    /// New work is queued.
    func wake() {
        condition.lock()
        state.withLock { $0.wakeups += 1 }
        condition.broadcast()
        condition.unlock()
    }

    /// Stops taking work and waits for the workers to return (in-flight runs are asked to
    /// stop by the caller first).
    func stop(timeout: Double) {
        condition.lock()
        state.withLock { $0.stopping = true }
        condition.broadcast()
        condition.unlock()
        _ = finished.wait(timeout: .now() + timeout)
    }
}
