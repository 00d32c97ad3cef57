import Synchronization

/// A quota over a window, e.g. `hourly`: 10 per 3600 s.
public struct RatePolicy: Sendable, Equatable {
    public let name: String
    public let quota: Int
    public let windowSeconds: Int

    public init(name: String, quota: Int, windowSeconds: Int) {
        self.name = name
        self.quota = quota
        self.windowSeconds = windowSeconds
    }
}

/// What a limiter said about one request.
public struct RateDecision: Sendable, Equatable {
    public let allowed: Bool
    /// How many more requests would be allowed now.
    public let remaining: Int
    /// Whole seconds until the full quota is available again.
    public let resetSeconds: Int
    /// Whole seconds until one more request is allowed, at least 1; only when denied.
    public let retryAfterSeconds: Int?

    public init(allowed: Bool, remaining: Int, resetSeconds: Int, retryAfterSeconds: Int?) {
        self.allowed = allowed
        self.remaining = remaining
        self.resetSeconds = resetSeconds
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// Rate limiting per subject (a key id, or a client address in single-user mode). In memory
/// today; a shared-catalog implementation replaces it when the service scales out.
public protocol RateLimiting: Sendable {
    /// Spends one request when allowed.
    func acquire(_ subject: String, policy: RatePolicy, now: Double) -> RateDecision
    /// Gives one back (the request turned out to be a replay that creates nothing).
    func refund(_ subject: String, policy: RatePolicy, now: Double)
    /// The state without spending (for the headers of answers that do not spend).
    func peek(_ subject: String, policy: RatePolicy, now: Double) -> RateDecision
}

/// GCRA (the generic cell rate algorithm): one number per subject, its theoretical arrival
/// time (TAT). Each request moves the TAT on by the emission interval `T = window / quota`;
/// a request is allowed while the TAT stays within one window of now, which allows a burst of
/// the whole quota and then one request per `T`. A subject whose TAT has passed holds nothing
/// and is forgotten, so memory follows the subjects active within the last window.
public final class InMemoryRateLimiter: RateLimiting {
    /// Absorbs floating-point error in the TAT sums (a tenth of a millisecond early is harmless).
    static let tolerance = 1e-4
    /// Operations between sweeps of idle subjects.
    static let sweepInterval = 1024

    private struct State {
        var arrivals: [String: Double] = [:]
        var operations = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// How many subjects hold state (tests watch eviction with it).
    var trackedSubjects: Int { state.withLock { $0.arrivals.count } }

    public func acquire(_ subject: String, policy: RatePolicy, now: Double) -> RateDecision {
        let rate = Rate(policy)
        return state.withLock { state in
            let key = Self.key(subject, policy)
            let arrival = max(state.arrivals[key] ?? now, now)
            let next = arrival + rate.interval
            let decision: RateDecision
            if next - now <= rate.window + Self.tolerance {
                state.arrivals[key] = next
                decision = rate.decision(arrival: next, now: now, allowed: true)
            } else {
                decision = rate.decision(arrival: arrival, now: now, allowed: false)
            }
            Self.sweepIfDue(&state, now: now)
            return decision
        }
    }

    public func refund(_ subject: String, policy: RatePolicy, now: Double) {
        let rate = Rate(policy)
        state.withLock { state in
            let key = Self.key(subject, policy)
            guard let arrival = state.arrivals[key] else { return }
            let earlier = arrival - rate.interval
            state.arrivals[key] = earlier > now ? earlier : nil
            Self.sweepIfDue(&state, now: now)
        }
    }

    public func peek(_ subject: String, policy: RatePolicy, now: Double) -> RateDecision {
        let rate = Rate(policy)
        return state.withLock { state in
            let arrival = max(state.arrivals[Self.key(subject, policy)] ?? now, now)
            let remaining = rate.remaining(arrival: arrival, now: now)
            return rate.decision(arrival: arrival, now: now, allowed: remaining > 0)
        }
    }

    /// One entry per subject and policy name (a subject may be limited on several routes).
    private static func key(_ subject: String, _ policy: RatePolicy) -> String {
        policy.name + "\u{1F}" + subject
    }

    /// Forgets every subject whose TAT has passed, once per `sweepInterval` operations, so
    /// subjects that stopped never accumulate.
    private static func sweepIfDue(_ state: inout State, now: Double) {
        state.operations += 1
        guard state.operations >= sweepInterval else { return }
        state.operations = 0
        state.arrivals = state.arrivals.filter { $0.value > now }
    }
}

/// A policy's numbers as GCRA uses them; a quota or window below 1 counts as 1.
struct Rate {
    let quota: Int
    let window: Double
    let interval: Double

    init(_ policy: RatePolicy) {
        quota = max(policy.quota, 1)
        window = Double(max(policy.windowSeconds, 1))
        interval = window / Double(quota)
    }

    /// Requests still allowed now with the TAT at `arrival`.
    func remaining(arrival: Double, now: Double) -> Int {
        let free = (window - (arrival - now)) / interval + InMemoryRateLimiter.tolerance
        guard free.isFinite, free >= 1 else { return 0 }
        return min(Int(min(free.rounded(.down), 1e15)), quota)
    }

    func decision(arrival: Double, now: Double, allowed: Bool) -> RateDecision {
        let remaining = remaining(arrival: arrival, now: now)
        let retry: Int? =
            allowed ? nil : max(Self.wholeSeconds(arrival + interval - window - now), 1)
        return RateDecision(
            allowed: allowed, remaining: remaining, resetSeconds: Self.wholeSeconds(arrival - now),
            retryAfterSeconds: retry)
    }

    /// Seconds rounded up, clamped to a sane range (a NaN or huge clock never traps).
    static func wholeSeconds(_ seconds: Double) -> Int {
        let rounded = (seconds - InMemoryRateLimiter.tolerance).rounded(.up)
        guard rounded.isFinite, rounded > 0 else { return 0 }
        return Int(min(rounded, 1e15))
    }
}

/// The `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers.
public enum RateLimitHeaders {
    /// `"hourly";q=10;w=3600`
    public static func policy(_ policy: RatePolicy) -> String {
        "\(quoted(policy.name));q=\(policy.quota);w=\(policy.windowSeconds)"
    }

    /// `"hourly";r=9;t=360`
    public static func state(_ policy: RatePolicy, _ decision: RateDecision) -> String {
        "\(quoted(policy.name));r=\(decision.remaining);t=\(decision.resetSeconds)"
    }

    /// A structured-field string: quotes and backslashes escaped, other bytes outside
    /// printable ASCII dropped (a header value must not carry them).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars where scalar.value >= 0x20 && scalar.value < 0x7F {
            if scalar == "\"" || scalar == "\\" { result += "\\" }
            result.unicodeScalars.append(scalar)
        }
        return result + "\""
    }
}
