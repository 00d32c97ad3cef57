import Dispatch
import Synchronization
import Testing

@testable import BacktestService
@testable import Catalog

/// What only the catalog-backed limiter has: one quota shared by several nodes (each with its
/// own connection), pruning, and failing open to a per-node limiter when the catalog fails.
@Suite(.serialized) struct CatalogRateLimiterTests {
    let hourly = RatePolicy(name: "hourly", quota: 10, windowSeconds: 3600)

    /// Two limiters on one catalog (two nodes) spending at once: exactly the quota is allowed,
    /// never one more, whichever node spends it.
    @Test(arguments: [LimiterKind.sqlite, .postgres])
    func twoNodesAtOnce_spendExactlyTheQuota(_ kind: LimiterKind) throws {
        try withLimiter(kind) { first, catalog in
            let catalog = try #require(catalog)
            let second = CatalogRateLimiter(catalog: try Catalog(location: catalog.location))
            let limiters: [any RateLimiting] = [first, second]
            let policy = RatePolicy(name: "hourly", quota: 25, windowSeconds: 3600)
            let allowed = Atomic(0)
            DispatchQueue.concurrentPerform(iterations: 200) { index in
                if limiters[index % 2].acquire("k", policy: policy, now: 1000).allowed {
                    allowed.add(1, ordering: .relaxed)
                }
            }
            #expect(allowed.load(ordering: .relaxed) == 25)
            let denied = second.acquire("k", policy: policy, now: 1000)
            #expect(!denied.allowed && denied.retryAfterSeconds == 144)
            // A refund on one node is seen by the other.
            first.refund("k", policy: policy, now: 1000)
            #expect(second.acquire("k", policy: policy, now: 1000).allowed)
            #expect(!first.acquire("k", policy: policy, now: 1000).allowed)
        }
    }

    /// Rows whose TAT passed more than the margin ago are deleted; live ones stay.
    @Test(arguments: [LimiterKind.sqlite, .postgres])
    func prune_dropsOnlyIdleRows(_ kind: LimiterKind) throws {
        try withLimiter(kind) { limiter, _ in
            let limiter = try #require(limiter as? CatalogRateLimiter)
            for index in 0..<5 { _ = limiter.acquire("old-\(index)", policy: hourly, now: 0) }
            _ = limiter.acquire("live", policy: hourly, now: 10_000)
            // The old TATs are 360; pruned once they are more than the margin in the past.
            #expect(try limiter.prune(now: 360 + CatalogRateLimiter.pruneMargin - 1) == 0)
            #expect(try limiter.prune(now: 10_000) == 5)
            #expect(limiter.peek("live", policy: hourly, now: 10_000).remaining == 9)
            #expect(limiter.failures.load(ordering: .relaxed) == 0)
        }
    }

    /// The catalog failing (here its table is gone) neither crashes nor wedges the limiter: it
    /// fails open to a per-node in-memory limiter, which still enforces the quota on this node.
    @Test(arguments: [LimiterKind.sqlite, .postgres])
    func catalogFailure_failsOpenToThisNodesOwnLimit(_ kind: LimiterKind) throws {
        try withLimiter(kind) { limiter, catalog in
            let limiter = try #require(limiter as? CatalogRateLimiter)
            let catalog = try #require(catalog)
            try catalog.write { try $0.execute("DROP TABLE rate_limits") }
            let allowed = (0..<11).filter { _ in limiter.acquire("k", policy: hourly, now: 0).allowed }
            #expect(allowed.count == 10)
            #expect(limiter.peek("k", policy: hourly, now: 0).retryAfterSeconds == 360)
            limiter.refund("k", policy: hourly, now: 0)
            #expect(limiter.acquire("k", policy: hourly, now: 0).allowed)
            #expect(limiter.failures.load(ordering: .relaxed) >= 13)
        }
    }
}
