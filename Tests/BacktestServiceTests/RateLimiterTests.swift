import Dispatch
import Synchronization
import Testing

@testable import BacktestService

/// Serialized: the catalog cases block their thread on database round trips, and many at once
/// would starve the test process's shared threads (other suites' servers time out).
@Suite(.serialized) struct RateLimiterTests {
    let hourly = RatePolicy(name: "hourly", quota: 10, windowSeconds: 3600)

    @Test(arguments: LimiterKind.allCases)
    func aBurstOfTheQuotaIsAllowedAndTheNextDenied(_ kind: LimiterKind) throws {
        try withGCRALimiter(kind) { limiter in
            let start = 1_700_000_000.0
            for spent in 1...10 {
                let decision = limiter.acquire("k", policy: hourly, now: start)
                #expect(decision.allowed)
                #expect(decision.remaining == 10 - spent)
                #expect(decision.resetSeconds == 360 * spent)
                #expect(decision.retryAfterSeconds == nil)
            }
            let denied = limiter.acquire("k", policy: hourly, now: start)
            #expect(denied == RateDecision(allowed: false, remaining: 0, resetSeconds: 3600, retryAfterSeconds: 360))
            // A denial spends nothing: later the same wait is shorter by the time passed.
            let later = limiter.acquire("k", policy: hourly, now: start + 100.5)
            #expect(later.retryAfterSeconds == 260)
            #expect(later.resetSeconds == 3500)
            // Another subject is untouched.
            #expect(limiter.acquire("other", policy: hourly, now: start).remaining == 9)
        }
    }

    @Test(arguments: LimiterKind.allCases)
    func oneMoreIsAllowedAfterTheEmissionIntervalNotBefore(_ kind: LimiterKind) throws {
        try withGCRALimiter(kind) { limiter in
            for _ in 1...10 { _ = limiter.acquire("k", policy: hourly, now: 0) }
            #expect(!limiter.acquire("k", policy: hourly, now: 359.9).allowed)
            #expect(limiter.acquire("k", policy: hourly, now: 359.9).retryAfterSeconds == 1)
            let refilled = limiter.acquire("k", policy: hourly, now: 360)
            #expect(refilled.allowed)
            #expect(refilled.remaining == 0)
            #expect(!limiter.acquire("k", policy: hourly, now: 360).allowed)
            // After a whole window the full quota is back.
            #expect(limiter.peek("k", policy: hourly, now: 3960).remaining == 10)
            #expect(limiter.peek("k", policy: hourly, now: 3960).resetSeconds == 0)
            #expect(limiter.peek("k", policy: hourly, now: 3959).remaining == 9)
        }
    }

    @Test(arguments: LimiterKind.allCases)
    func unevenIntervals_stillAllowExactlyTheQuota(_ kind: LimiterKind) throws {
        try withGCRALimiter(kind) { limiter in
            let policy = RatePolicy(name: "odd", quota: 7, windowSeconds: 1000)
            let allowed = (0..<8).filter { _ in limiter.acquire("k", policy: policy, now: 1_700_000_000.25).allowed }
            #expect(allowed.count == 7)
            let denied = limiter.peek("k", policy: policy, now: 1_700_000_000.25)
            #expect(denied.retryAfterSeconds == 143)  // ceil(1000 / 7)
            #expect(denied.resetSeconds == 1000)
        }
    }

    @Test(arguments: LimiterKind.allCases)
    func refund_givesOneBack(_ kind: LimiterKind) throws {
        try withGCRALimiter(kind) { limiter in
            for _ in 1...10 { _ = limiter.acquire("k", policy: hourly, now: 0) }
            limiter.refund("k", policy: hourly, now: 0)
            #expect(limiter.peek("k", policy: hourly, now: 0).remaining == 1)
            #expect(limiter.acquire("k", policy: hourly, now: 0).allowed)
            #expect(!limiter.acquire("k", policy: hourly, now: 0).allowed)
            // Refunding the only spend gives the whole quota back; refunding nothing changes nothing.
            _ = limiter.acquire("fresh", policy: hourly, now: 0)
            limiter.refund("fresh", policy: hourly, now: 0)
            if let memory = limiter as? InMemoryRateLimiter {
                #expect(memory.trackedSubjects == 1)  // "k" alone: "fresh" is forgotten
            }
            limiter.refund("fresh", policy: hourly, now: 0)
            #expect(limiter.peek("fresh", policy: hourly, now: 0).remaining == 10)
            limiter.refund("never", policy: hourly, now: 0)
            #expect(limiter.peek("never", policy: hourly, now: 0).remaining == 10)
        }
    }

    @Test(arguments: LimiterKind.allCases)
    func peek_spendsNothing(_ kind: LimiterKind) throws {
        try withGCRALimiter(kind) { limiter in
            for _ in 0..<20 {
                #expect(
                    limiter.peek("k", policy: hourly, now: 0)
                        == RateDecision(allowed: true, remaining: 10, resetSeconds: 0, retryAfterSeconds: nil))
            }
            #expect((limiter as? InMemoryRateLimiter)?.trackedSubjects ?? 0 == 0)
            for _ in 1...10 { _ = limiter.acquire("k", policy: hourly, now: 0) }
            let full = limiter.peek("k", policy: hourly, now: 0)
            #expect(!full.allowed)
            #expect(full.retryAfterSeconds == 360)
        }
    }

    @Test(arguments: LimiterKind.allCases)
    func policiesOfOneSubjectAreSeparate(_ kind: LimiterKind) throws {
        try withGCRALimiter(kind) { limiter in
            let minute = RatePolicy(name: "minute", quota: 1, windowSeconds: 60)
            #expect(limiter.acquire("k", policy: minute, now: 0).allowed)
            #expect(!limiter.acquire("k", policy: minute, now: 0).allowed)
            #expect(limiter.acquire("k", policy: hourly, now: 0).allowed)
        }
    }

    @Test(arguments: LimiterKind.allCases)
    func degeneratePoliciesAndClocksDoNotTrap(_ kind: LimiterKind) throws {
        try withGCRALimiter(kind) { limiter in
            let zero = RatePolicy(name: "z", quota: 0, windowSeconds: 0)
            #expect(limiter.acquire("k", policy: zero, now: 0).allowed)
            #expect(!limiter.acquire("k", policy: zero, now: 0).allowed)
            #expect(limiter.acquire("k", policy: zero, now: 1).allowed)
            let huge = RatePolicy(name: "h", quota: Int.max, windowSeconds: Int.max)
            #expect(limiter.acquire("k", policy: huge, now: 0).allowed)
            for now in [Double.nan, .infinity, -.infinity, -1e300, 1e300] {
                _ = limiter.acquire("n", policy: hourly, now: now)
                _ = limiter.peek("n", policy: hourly, now: now)
                limiter.refund("n", policy: hourly, now: now)
            }
        }
    }

    @Test(arguments: LimiterKind.allCases)
    func concurrentAcquires_spendExactlyTheQuota(_ kind: LimiterKind) throws {
        try withGCRALimiter(kind) { limiter in
            let policy = RatePolicy(name: "hourly", quota: 100, windowSeconds: 3600)
            let allowed = Atomic(0)
            DispatchQueue.concurrentPerform(iterations: 1000) { _ in
                if limiter.acquire("k", policy: policy, now: 50).allowed { allowed.add(1, ordering: .relaxed) }
            }
            #expect(allowed.load(ordering: .relaxed) == 100)
            #expect(limiter.peek("k", policy: policy, now: 50).retryAfterSeconds == 36)
        }
    }

    @Test func idleSubjectsAreEvicted() {
        let limiter = InMemoryRateLimiter()
        for index in 0..<1000 { _ = limiter.acquire("subject-\(index)", policy: hourly, now: 0) }
        #expect(limiter.trackedSubjects == 1000)
        // One hour later every one of them is idle; the next sweep (within 1024 operations) drops them.
        for _ in 0..<InMemoryRateLimiter.sweepInterval { _ = limiter.acquire("active", policy: hourly, now: 4000) }
        #expect(limiter.trackedSubjects == 1)
    }

    @Test func manySubjects_memoryFollowsOnlyTheActiveOnes() {
        let limiter = InMemoryRateLimiter()
        let second = RatePolicy(name: "s", quota: 5, windowSeconds: 1)
        var now = 0.0
        for index in 0..<100_000 {
            if index % 1000 == 0 { now += 2 }
            #expect(limiter.acquire("subject-\(index)", policy: second, now: now).remaining == 4)
        }
        // Only this step's subjects and those since the last sweep can still be tracked.
        #expect(limiter.trackedSubjects <= 1000 + InMemoryRateLimiter.sweepInterval)
    }

    @Test(arguments: LimiterKind.allCases)
    func headerFieldsFollowTheDraft(_ kind: LimiterKind) throws {
        try withGCRALimiter(kind) { limiter in
            #expect(RateLimitHeaders.policy(hourly) == #""hourly";q=10;w=3600"#)
            let decision = limiter.acquire("k", policy: hourly, now: 0)
            #expect(RateLimitHeaders.state(hourly, decision) == #""hourly";r=9;t=360"#)
            let odd = RatePolicy(name: "a\"b\\c\n", quota: 1, windowSeconds: 2)
            #expect(RateLimitHeaders.policy(odd) == #""a\"b\\c";q=1;w=2"#)
        }
    }
}
