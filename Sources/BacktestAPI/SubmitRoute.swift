import BacktestService
import HTTPServer
import Synchronization

/// `POST /backtests`: the submission with the tier's rate limit and concurrency quota. The limit is
/// spent only when a new run is stored (a replay answered `EXISTS` costs nothing), and every
/// answer carries the `RateLimit-Policy` and `RateLimit` fields of the caller's policy.
enum SubmitRoute {
    static func answer(_ request: HTTPRequest, _ principal: Principal, service: BacktestService, access: Access)
        throws -> HTTPResponse
    {
        let policy = access.limits.policy(principal.tier)
        let now = access.clock()
        let spent = Mutex<RateDecision?>(nil)
        let limiter = access.limiter
        let subject = principal.rateSubject
        let admission = Admission(maxActiveRuns: access.limits.activeQuota(principal.tier)) {
            guard let policy else { return true }
            let decision = limiter.acquire(subject, policy: policy, now: now)
            spent.withLock { $0 = decision }
            return decision.allowed
        }
        var response: HTTPResponse
        do {
            if let type = request.headers["Content-Type"], !type.lowercased().hasPrefix("application/json") {
                throw ServiceError(code: "unsupported_media_type", message: "Content-Type must be application/json")
            }
            let submission = try service.submit(
                body: request.body, idempotencyKey: request.headers["Idempotency-Key"], caller: principal.caller,
                admission: admission)
            var headers = HTTPHeaders()
            switch submission {
            case .created(let document, let runID):
                headers.add(name: "Location", value: "/runs/\(runID)")
                response = .document(document, status: 202, headers: headers)
            case .existing(let document, let runID):
                headers.add(name: "Location", value: "/runs/\(runID)")
                response = .document(document, status: 200, headers: headers)
            }
        } catch {
            // Spent inside a transaction that then failed: nothing was stored, so nothing is owed.
            if let policy, let decision = spent.withLock({ $0 }), decision.allowed {
                limiter.refund(subject, policy: policy, now: now)
                spent.withLock { $0 = nil }
            }
            var mapped = ErrorMapping.httpError(error)
            if mapped.code == "rate_limited", let decision = spent.withLock({ $0 }), !decision.allowed {
                let retry = decision.retryAfterSeconds ?? 1
                mapped = HTTPError(
                    status: 429, code: "rate_limited",
                    message:
                        "the rate limit of \(policy?.quota ?? 0) backtests an hour is reached; try again in \(retry) s",
                    retryable: true, headers: [("Retry-After", String(retry))])
            }
            response = mapped.response
            if response.status == 429 { access.rateLimited.increment() }
        }
        if let policy {
            let decision = spent.withLock { $0 } ?? limiter.peek(subject, policy: policy, now: now)
            response.headers.add(name: "RateLimit-Policy", value: RateLimitHeaders.policy(policy))
            response.headers.add(name: "RateLimit", value: RateLimitHeaders.state(policy, decision))
        }
        return response
    }
}
