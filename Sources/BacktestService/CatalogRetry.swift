import Catalog
import Foundation
import Logging
import Metrics

/// How often and how patiently a catalog call on the run path is retried.
public struct CatalogRetryPolicy: Sendable {
    /// Tries in all, the first included (default 6).
    public var attempts: Int = 6
    /// Wait before the second try; doubled after each failure (default 50 ms).
    public var initialDelaySeconds: Double = 0.05
    /// The longest wait between two tries (default 2 s): six tries span about 3.5 s.
    public var maxDelaySeconds: Double = 2

    public init() {}

    /// The wait after failed try number `attempt` (from 1).
    func delay(after attempt: Int) -> Double {
        let doubled = initialDelaySeconds * Double(1 << min(max(attempt - 1, 0), 30))
        return min(doubled, maxDelaySeconds)
    }
}

/// Runs catalog calls of one run with bounded retries, logging each failure with the `run_id`.
/// Busy, I/O and disk-full errors are usually transient (a checkpoint, another process, space
/// freed); the caller decides what a persistent one means for the run.
struct CatalogRetry: Sendable {
    let policy: CatalogRetryPolicy
    let logger: Logger
    /// `backtest_catalog_errors_total`: every failed try counts.
    var errors: Counter?

    func run<T>(_ runID: String, _ what: String, _ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do { return try body() } catch let moved as ChainHeadMoved {
                // Not the catalog failing: the caller seals again after the new head.
                throw moved
            } catch {
                errors?.increment()
                logger.warning(
                    "catalog call failed",
                    metadata: [
                        "run_id": .string(runID), "operation": .string(what), "attempt": .string(String(attempt)),
                        "error": .string(String(describing: error)),
                    ])
                guard attempt < policy.attempts else { throw error }
                Thread.sleep(forTimeInterval: policy.delay(after: attempt))
                attempt += 1
            }
        }
    }
}
