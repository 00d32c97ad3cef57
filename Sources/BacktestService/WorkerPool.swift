import Foundation
import Synchronization

/// A fixed set of Dispatch-independent worker threads that take runs from the catalog (the
/// queue) in FIFO order. CPU-heavy work never runs on the HTTP event loops or the request path.
final class WorkerPool: Sendable {
    private struct State {
        var wakeups = 0
        var stopping = false
    }

    private let condition = NSCondition()
    private let state = Mutex(State())
    private let finished = DispatchGroup()

    /// Starts `count` workers; each repeatedly calls `claim` and runs what it returns.
    init(count: Int, claim: @escaping @Sendable () -> (@Sendable () -> Void)?) {
        for index in 0..<max(1, count) {
            finished.enter()
            let thread = Thread { [self] in
                BackgroundPriority.applyToCurrentThread()
                while !isStopping {
                    if let job = claim() {
                        job()
                        continue
                    }
                    condition.lock()
                    let shouldWait = state.withLock { state -> Bool in
                        defer { state.wakeups = 0 }
                        return state.wakeups == 0 && !state.stopping
                    }
                    if shouldWait { _ = condition.wait(until: Date().addingTimeInterval(1)) }
                    condition.unlock()
                }
                finished.leave()
            }
            thread.name = "backtest-worker-\(index)"
            thread.start()
        }
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

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
