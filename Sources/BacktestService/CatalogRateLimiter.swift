import Catalog
import Logging
import Synchronization

/// GCRA with its state in the catalog (`rate_limits`), so every node of a shared catalog spends
/// from one quota per subject: the same arithmetic as `InMemoryRateLimiter`, one atomic upsert
/// per acquire (`RateLimitStore`). Used when the catalog is PostgreSQL; SQLite (one node) keeps
/// the in-memory limiter, which needs no round trip.
///
/// Clock: `now` is the node's clock, passed in as with the in-memory limiter (the same value
/// names the request everywhere, and tests drive it). Nodes whose clocks disagree by `s`
/// seconds see one another's TATs `s` seconds off: a node ahead may allow about `s / T` more
/// requests (T = window / quota, 360 s for 10 an hour), one behind allows as many fewer. NTP
/// keeps `s` to milliseconds, far below any T. Pruning keeps `pruneMargin` of slack for this.
///
/// Failure: when the catalog cannot be reached the limiter fails OPEN to a per-node in-memory
/// limiter (logged, counted) rather than answering 503: a limiter is there to stop abuse, not
/// to add an outage of its own, and a submission needs the catalog anyway, so a real outage
/// already fails it. During such a failure each node enforces the quota on its own.
public final class CatalogRateLimiter: RateLimiting {
    private let store: RateLimitStore
    private let fallback = InMemoryRateLimiter()
    private let logger: Logger
    private let operations = Atomic<Int>(0)
    /// Catalog failures survived by falling back (tests and logs read it).
    let failures = Atomic<Int>(0)

    /// Operations between prunes of rows that hold nothing (per node).
    static let pruneInterval = 1024
    /// How long after its TAT a row is kept: any node whose clock is behind by less still sees it.
    static let pruneMargin = 300.0

    public init(catalog: Catalog, logger: Logger = Logger(label: "backtestd.ratelimit")) {
        store = catalog.rateLimitStore()
        self.logger = logger
    }

    public func acquire(_ subject: String, policy: RatePolicy, now: Double) -> RateDecision {
        let rate = Rate(policy)
        guard now.isFinite else { return fallback.acquire(subject, policy: policy, now: now) }
        do {
            let spent = try store.acquire(
                key: subject, policy: policy.name, now: now, interval: rate.interval,
                bound: now + rate.window + InMemoryRateLimiter.tolerance)
            pruneIfDue(now: now)
            return rate.decision(arrival: max(spent.arrival, now), now: now, allowed: spent.allowed)
        } catch {
            failed(error)
            return fallback.acquire(subject, policy: policy, now: now)
        }
    }

    public func refund(_ subject: String, policy: RatePolicy, now: Double) {
        guard now.isFinite else { return fallback.refund(subject, policy: policy, now: now) }
        do { try store.refund(key: subject, policy: policy.name, interval: Rate(policy).interval) } catch {
            failed(error)
            fallback.refund(subject, policy: policy, now: now)
        }
    }

    public func peek(_ subject: String, policy: RatePolicy, now: Double) -> RateDecision {
        let rate = Rate(policy)
        guard now.isFinite else { return fallback.peek(subject, policy: policy, now: now) }
        do {
            let arrival = max(try store.arrival(key: subject, policy: policy.name) ?? now, now)
            let remaining = rate.remaining(arrival: arrival, now: now)
            return rate.decision(arrival: arrival, now: now, allowed: remaining > 0)
        } catch {
            failed(error)
            return fallback.peek(subject, policy: policy, now: now)
        }
    }

    /// Deletes rows whose TAT passed more than `pruneMargin` ago (they hold nothing).
    @discardableResult
    func prune(now: Double) throws -> Int { try store.prune(before: now - Self.pruneMargin) }

    private func pruneIfDue(now: Double) {
        guard operations.add(1, ordering: .relaxed).newValue % Self.pruneInterval == 0 else { return }
        do { try prune(now: now) } catch { failed(error) }
    }

    private func failed(_ error: any Error) {
        failures.add(1, ordering: .relaxed)
        logger.warning(
            "rate-limit state unreachable in the catalog: this node limits on its own meanwhile",
            metadata: ["error": .string("\(error)")])
    }
}

extension BacktestService {
    /// The limiter for `POST /backtests`: shared through the catalog when other nodes share it
    /// (PostgreSQL), in memory otherwise (SQLite, one node).
    public func makeRateLimiter() -> any RateLimiting {
        catalog.isShared ? CatalogRateLimiter(catalog: catalog, logger: logger) : InMemoryRateLimiter()
    }
}
