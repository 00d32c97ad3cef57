import Catalog

/// Readiness and the state gauges an operator scrapes.
extension BacktestService {
    /// One failing readiness check: `check` is `catalog`, `workers` or `queue`.
    public struct FailedCheck: Sendable, Equatable {
        public let check: String
        public let message: String
    }

    /// The readiness checks that fail now (empty: ready): the catalog takes a write, every worker
    /// thread is alive, and the queue is below `queue_capacity` (a submission would be accepted).
    public func readinessFailures() -> [FailedCheck] {
        var failures: [FailedCheck] = []
        if !catalog.isWritable() {
            failures.append(FailedCheck(check: "catalog", message: "the catalog does not take a write"))
        }
        let workers = pool.liveness
        if workers.alive < workers.count {
            failures.append(
                FailedCheck(
                    check: "workers",
                    message: "\(workers.count - workers.alive) of \(workers.count) worker threads have exited"))
        }
        if let queued = try? catalog.runCounts()[.queued] ?? 0, queued >= configuration.queueCapacity {
            failures.append(
                FailedCheck(
                    check: "queue",
                    message: "\(queued) runs are queued, the bound (queue_capacity) is \(configuration.queueCapacity)"))
        }
        return failures
    }

    /// Runs in the catalog per state (`QUEUED`, `RUNNING`, `DONE`, `ERROR`, `CANCELLED`; every
    /// state present, zero when none); nil when the catalog cannot be read.
    public func runCountsByState() -> [(state: String, count: Int)]? {
        guard let counts = try? catalog.runCounts() else { return nil }
        return [RunStatus.queued, .running, .done, .error, .cancelled].map { ($0.rawValue, counts[$0] ?? 0) }
    }

    /// Makes worker `index` return after its current run: how the readiness tests stop a worker
    /// (internal: reached only through `@testable import`).
    func retireWorker(_ index: Int) {
        pool.retire(index)
    }
}
