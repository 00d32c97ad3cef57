import BacktestEngine
import Foundation

/// Lowers the calling thread's scheduling priority (Linux: `setpriority` on PRIO_PROCESS 0
/// is per thread), so engine work yields the cores to the HTTP loops and request handlers.
enum BackgroundPriority {
    static let niceness: Int32 = 10

    static func applyToCurrentThread() {
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
    }
}

/// A fixed set of low-priority threads that run the engine's parallel loops. The calling
/// thread (itself a low-priority worker) takes part, and helps drain the queue while it waits,
/// so concurrent runs never deadlock on each other.
///
/// `@unchecked Sendable`: `jobs` is only touched with `condition` locked.
final class BackgroundThreads: ParallelExecutor, @unchecked Sendable {
    private struct Job {
        let body: @Sendable (Int) -> Void
        let index: Int
        let group: DispatchGroup
    }

    private let condition = NSCondition()
    private var jobs: [Job] = []

    init(threads: Int) {
        for number in 0..<max(0, threads) {
            let thread = Thread { [self] in
                BackgroundPriority.applyToCurrentThread()
                while true { run(wait: true) }
            }
            thread.name = "engine-\(number)"
            thread.start()
        }
    }

    /// Runs one queued job; with `wait`, sleeps until there is one. False when none ran.
    @discardableResult
    private func run(wait: Bool) -> Bool {
        condition.lock()
        while jobs.isEmpty {
            if !wait {
                condition.unlock()
                return false
            }
            condition.wait()
        }
        let job = jobs.removeFirst()
        condition.unlock()
        job.body(job.index)
        job.group.leave()
        return true
    }

    func forEach(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let group = DispatchGroup()
        condition.lock()
        for index in 1..<count {
            group.enter()
            jobs.append(Job(body: body, index: index, group: group))
        }
        condition.broadcast()
        condition.unlock()
        body(0)
        while group.wait(timeout: .now()) == .timedOut {
            if !run(wait: false) { group.wait() }
        }
    }
}
